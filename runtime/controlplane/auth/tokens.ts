/**
 * Service account tokens: ES256 JWTs with upstream's bound-token claims (pkg/serviceaccount/claims.go), signed
 * with a key generated when the control plane is created. `verify` checks the signature, issuer, audience and
 * the time window; whether the service account (and bound object) still exists is the authenticator's job.
 */
import { createPublicKey, generateKeyPairSync, randomUUID, sign, verify, createHash, type KeyObject } from "node:crypto";

export const defaultIssuer = "https://kubernetes.default.svc.cluster.local";

/** Clock skew tolerated on exp and nbf, in seconds (go-jose's DefaultLeeway, which upstream's validator uses). */
export const leewaySeconds = 60;

export interface BoundRef {
  name: string;
  uid: string;
}

/** The private claims under "kubernetes.io". */
export interface KubernetesClaims {
  namespace: string;
  serviceaccount: BoundRef;
  pod?: BoundRef;
  secret?: BoundRef;
  node?: BoundRef;
  warnafter?: number;
}

export interface ServiceAccountClaims {
  iss: string;
  sub: string;
  aud: string[];
  exp: number;
  iat: number;
  nbf: number;
  jti: string;
  "kubernetes.io": KubernetesClaims;
}

export class TokenError extends Error {
  override readonly name = "TokenError";
}

function b64url(buf: Buffer | string): string {
  return Buffer.from(buf).toString("base64url");
}

export interface IssueRequest {
  namespace: string;
  name: string;
  uid: string;
  audiences: string[];
  /** Validity in seconds from `now`. */
  expirationSeconds: number;
  pod?: BoundRef;
  secret?: BoundRef;
  node?: BoundRef;
  /** Default: the current time. */
  now?: Date;
}

export class TokenSigner {
  private readonly privateKey: KeyObject;
  readonly publicKey: KeyObject;
  /** Key id: the SHA-256 of the public key's DER, base64url (as upstream's keyIDFromPublicKey). */
  readonly keyId: string;

  constructor(
    readonly issuer = defaultIssuer,
    readonly apiAudiences: readonly string[] = [defaultIssuer],
  ) {
    const { privateKey, publicKey } = generateKeyPairSync("ec", { namedCurve: "P-256" });
    this.privateKey = privateKey;
    this.publicKey = createPublicKey(privateKey);
    this.keyId = b64url(createHash("sha256").update(publicKey.export({ type: "spki", format: "der" })).digest());
  }

  /** Signs arbitrary claims (tests use this to craft expired or odd tokens). */
  signClaims(claims: object): string {
    const header = b64url(JSON.stringify({ alg: "ES256", kid: this.keyId }));
    const payload = b64url(JSON.stringify(claims));
    const sig = sign("sha256", Buffer.from(`${header}.${payload}`), { key: this.privateKey, dsaEncoding: "ieee-p1363" });
    return `${header}.${payload}.${b64url(sig)}`;
  }

  /** The claims of a service account token. */
  claims(req: IssueRequest): ServiceAccountClaims {
    const now = Math.floor((req.now ?? new Date()).getTime() / 1000);
    const k8s: KubernetesClaims = { namespace: req.namespace, serviceaccount: { name: req.name, uid: req.uid } };
    if (req.pod) k8s.pod = req.pod;
    if (req.secret) k8s.secret = req.secret;
    if (req.node) k8s.node = req.node;
    return {
      aud: [...req.audiences],
      exp: now + req.expirationSeconds,
      iat: now,
      iss: this.issuer,
      jti: randomUUID(),
      "kubernetes.io": k8s,
      nbf: now,
      sub: `system:serviceaccount:${req.namespace}:${req.name}`,
    };
  }

  issue(req: IssueRequest): { token: string; claims: ServiceAccountClaims } {
    const claims = this.claims(req);
    return { token: this.signClaims(claims), claims };
  }

  /**
   * Verifies a token signed by this signer for one of `audiences` (default: the API server's) at `now`.
   * Throws TokenError with what is wrong.
   */
  verify(token: string, audiences: readonly string[] = this.apiAudiences, now = new Date()): ServiceAccountClaims {
    const parts = token.split(".");
    if (parts.length !== 3) throw new TokenError("token is not a JWT");
    const [h, p, s] = parts as [string, string, string];
    let header: Record<string, unknown>;
    let claims: ServiceAccountClaims;
    try {
      header = JSON.parse(Buffer.from(h, "base64url").toString("utf8")) as Record<string, unknown>;
      claims = JSON.parse(Buffer.from(p, "base64url").toString("utf8")) as ServiceAccountClaims;
    } catch {
      throw new TokenError("token is malformed");
    }
    if (header.alg !== "ES256") throw new TokenError(`unsupported signing algorithm ${JSON.stringify(header.alg)}`);
    const ok = verify("sha256", Buffer.from(`${h}.${p}`), { key: this.publicKey, dsaEncoding: "ieee-p1363" }, Buffer.from(s, "base64url"));
    if (!ok) throw new TokenError("token signature is invalid");
    if (typeof claims !== "object" || claims === null) throw new TokenError("token is malformed");
    if (claims.iss !== this.issuer) throw new TokenError("token issuer is not trusted");
    const aud = Array.isArray(claims.aud) ? claims.aud : typeof claims.aud === "string" ? [claims.aud] : [];
    if (!aud.some((a) => audiences.includes(a))) throw new TokenError("token audiences is invalid");
    const t = Math.floor(now.getTime() / 1000);
    if (typeof claims.exp !== "number" || t > claims.exp + leewaySeconds) throw new TokenError("service account token has expired");
    if (typeof claims.nbf === "number" && t < claims.nbf - leewaySeconds) throw new TokenError("service account token is not valid yet");
    const k8s = claims["kubernetes.io"];
    if (!k8s || typeof k8s.namespace !== "string" || !k8s.serviceaccount || typeof k8s.serviceaccount.name !== "string") {
      throw new TokenError("token lacks the kubernetes.io service account claims");
    }
    if (claims.sub !== `system:serviceaccount:${k8s.namespace}:${k8s.serviceaccount.name}`) throw new TokenError("token subject does not match its service account");
    return { ...claims, aud };
  }
}
