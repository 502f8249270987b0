import { describe, expect, it } from "vitest";
import { defaultIssuer, TokenError, TokenSigner } from "./tokens.js";

const req = { namespace: "ns", name: "sa", uid: "uid-1", audiences: [defaultIssuer], expirationSeconds: 3600 };

function verifyError(fn: () => unknown): string {
  try {
    fn();
  } catch (err) {
    if (err instanceof TokenError) return err.message;
    throw err;
  }
  throw new Error("expected a TokenError");
}

describe("TokenSigner", () => {
  const signer = new TokenSigner();

  it("signs ES256 JWTs with upstream's bound-token claims, and verifies them", () => {
    const now = new Date("2026-01-01T00:00:00Z");
    const { token, claims } = signer.issue({ ...req, now, pod: { name: "p", uid: "pod-uid" } });
    const [h, p] = token.split(".") as [string, string, string];
    expect(JSON.parse(Buffer.from(h, "base64url").toString())).toEqual({ alg: "ES256", kid: signer.keyId });
    const payload = JSON.parse(Buffer.from(p, "base64url").toString()) as Record<string, unknown>;
    expect(payload).toEqual({
      aud: [defaultIssuer],
      exp: 1767229200,
      iat: 1767225600,
      iss: defaultIssuer,
      jti: claims.jti,
      "kubernetes.io": { namespace: "ns", serviceaccount: { name: "sa", uid: "uid-1" }, pod: { name: "p", uid: "pod-uid" } },
      nbf: 1767225600,
      sub: "system:serviceaccount:ns:sa",
    });
    expect(signer.verify(token, undefined, new Date("2026-01-01T00:30:00Z")).sub).toBe("system:serviceaccount:ns:sa");
  });

  it("rejects expired, not-yet-valid, foreign, tampered and wrong-audience tokens", () => {
    const now = new Date("2026-01-01T00:00:00Z");
    const { token } = signer.issue({ ...req, now });
    // one minute of leeway either side, as upstream
    expect(signer.verify(token, undefined, new Date("2026-01-01T01:01:00Z")).sub).toBe("system:serviceaccount:ns:sa");
    expect(verifyError(() => signer.verify(token, undefined, new Date("2026-01-01T01:01:01Z")))).toBe("service account token has expired");
    expect(signer.verify(token, undefined, new Date("2025-12-31T23:59:00Z")).sub).toBe("system:serviceaccount:ns:sa");
    expect(verifyError(() => signer.verify(token, undefined, new Date("2025-12-31T23:58:59Z")))).toBe("service account token is not valid yet");
    expect(verifyError(() => new TokenSigner().verify(token, undefined, now))).toBe("token signature is invalid");
    const [h, , s] = token.split(".");
    const forgedPayload = Buffer.from(JSON.stringify({ ...signer.claims({ ...req, now }), sub: "system:serviceaccount:kube-system:root" })).toString("base64url");
    expect(verifyError(() => signer.verify(`${h}.${forgedPayload}.${s}`, undefined, now))).toBe("token signature is invalid");
    expect(verifyError(() => signer.verify(token, ["vault"], now))).toBe("token audiences is invalid");
    expect(verifyError(() => signer.verify("abc", undefined, now))).toBe("token is not a JWT");
    const mismatched = signer.signClaims({ ...signer.claims({ ...req, now }), sub: "system:serviceaccount:other:sa" });
    expect(verifyError(() => signer.verify(mismatched, undefined, now))).toBe("token subject does not match its service account");
    const otherIssuer = signer.signClaims({ ...signer.claims({ ...req, now }), iss: "https://evil" });
    expect(verifyError(() => signer.verify(otherIssuer, undefined, now))).toBe("token issuer is not trusted");
  });
});
