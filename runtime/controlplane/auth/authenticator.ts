/**
 * Request authentication for the local control plane, in kube-apiserver's order: a verified client certificate
 * (CN → user, O → groups), then an `Authorization: Bearer` service account token, else anonymous
 * (system:anonymous in system:unauthenticated). A presented but invalid credential is a 401 (message
 * "Unauthorized"), never a fall-back to anonymous.
 */
import type { IncomingMessage } from "node:http";
import type { TLSSocket } from "node:tls";
import type { UserInfo } from "../../apiserver/admission/types.js";
import { newUnauthorized } from "../../core/errors.js";
import type { KubeObject } from "../../core/object.js";
import type { Storage } from "../../storage/interface.js";
import { userFromCertificate } from "../certs.js";
import { TokenError, type ServiceAccountClaims, type TokenSigner } from "./tokens.js";

export const allAuthenticated = "system:authenticated";
export const allUnauthenticated = "system:unauthenticated";
export const anonymousUser = "system:anonymous";
export const credentialIdKey = "authentication.kubernetes.io/credential-id";

export const anonymous: UserInfo = { username: anonymousUser, groups: [allUnauthenticated] };

/** The groups of a service account user. */
export function serviceAccountGroups(namespace: string): string[] {
  return ["system:serviceaccounts", `system:serviceaccounts:${namespace}`];
}

/** "system:serviceaccount:NS:NAME" → {namespace, name}; undefined for other names. */
export function parseServiceAccountUsername(username: string): { namespace: string; name: string } | undefined {
  const m = /^system:serviceaccount:([^:]+):([^:]+)$/.exec(username);
  return m ? { namespace: m[1] ?? "", name: m[2] ?? "" } : undefined;
}

export interface AuthenticatorOptions {
  signer: TokenSigner;
  /** Storage of core/v1 serviceaccounts (keys "namespace/name"). */
  serviceAccounts: Storage;
  /** Storages of bound objects (tokens bound to a pod or secret die with it). */
  pods?: Storage;
  secrets?: Storage;
}

export class RequestAuthenticator {
  constructor(private readonly opts: AuthenticatorOptions) {}

  /** The user a request authenticates as; throws a 401 StatusError for a bad credential. */
  async authenticate(req: IncomingMessage): Promise<UserInfo> {
    const sock = req.socket as Partial<TLSSocket>;
    const cert = sock.getPeerX509Certificate?.();
    if (cert) {
      if (!sock.authorized) throw newUnauthorized();
      const { username, groups } = userFromCertificate(cert);
      return { username, groups: [...groups, allAuthenticated] };
    }
    const header = req.headers.authorization;
    if (header) {
      const sp = header.indexOf(" ");
      const scheme = sp < 0 ? header : header.slice(0, sp);
      if (scheme.toLowerCase() === "bearer") {
        const token = sp < 0 ? "" : header.slice(sp + 1).trim();
        try {
          return await this.authenticateToken(token);
        } catch (err) {
          if (err instanceof TokenError) throw newUnauthorized();
          throw err;
        }
      }
    }
    return anonymous;
  }

  /** Validates a service account token for `audiences` (default: the API server's); throws TokenError. */
  async authenticateToken(token: string, audiences?: readonly string[]): Promise<UserInfo> {
    return (await this.reviewToken(token, audiences)).user;
  }

  /** As authenticateToken, also returning the token's audiences among those asked for (TokenReview status). */
  async reviewToken(token: string, audiences: readonly string[] = this.opts.signer.apiAudiences): Promise<{ user: UserInfo; audiences: string[] }> {
    if (!token) throw new TokenError("invalid bearer token");
    const claims = this.opts.signer.verify(token, audiences);
    return { user: await this.userFor(claims), audiences: claims.aud.filter((a) => audiences.includes(a)) };
  }

  private async userFor(claims: ServiceAccountClaims): Promise<UserInfo> {
    const k8s = claims["kubernetes.io"];
    const ns = k8s.namespace;
    const sa = await this.opts.serviceAccounts.get(`${ns}/${k8s.serviceaccount.name}`);
    if (!sa || sa.metadata.deletionTimestamp) throw new TokenError(`service account ${ns}/${k8s.serviceaccount.name} has been deleted`);
    if (sa.metadata.uid !== k8s.serviceaccount.uid) {
      throw new TokenError(`service account UID (${sa.metadata.uid ?? ""}) does not match claim (${k8s.serviceaccount.uid})`);
    }
    const extra: Record<string, string[]> = {};
    if (claims.jti) extra[credentialIdKey] = [`JTI=${claims.jti}`];
    if (k8s.pod) {
      await this.checkBound(this.opts.pods, ns, k8s.pod, "pod");
      extra["authentication.kubernetes.io/pod-name"] = [k8s.pod.name];
      extra["authentication.kubernetes.io/pod-uid"] = [k8s.pod.uid];
    }
    if (k8s.secret) await this.checkBound(this.opts.secrets, ns, k8s.secret, "secret");
    return {
      username: claims.sub,
      uid: k8s.serviceaccount.uid,
      groups: [...serviceAccountGroups(ns), allAuthenticated],
      extra,
    };
  }

  private async checkBound(storage: Storage | undefined, ns: string, ref: { name: string; uid: string }, what: string): Promise<void> {
    const obj: KubeObject | undefined = await storage?.get(`${ns}/${ref.name}`);
    if (!obj || obj.metadata.deletionTimestamp) throw new TokenError(`${what} ${ns}/${ref.name} has been deleted`);
    if (obj.metadata.uid !== ref.uid) throw new TokenError(`${what} ${ns}/${ref.name} UID (${obj.metadata.uid ?? ""}) does not match claim (${ref.uid})`);
  }
}
