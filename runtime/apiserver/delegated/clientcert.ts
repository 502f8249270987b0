/**
 * Client certificate authentication against the `client-ca-file` (request/x509 with CommonNameUserConversion):
 * a certificate that chains to the client CA names the user by its subject's CN, and its groups by the O
 * attributes. No certificate, no CA configured yet, or an empty CN: not applicable. A certificate that does
 * not verify: rejected (401 unless another authenticator accepts the request).
 */
import type { AuthenticationResult, RequestAuthenticator } from "./authenticator.js";
import { notApplicable } from "./authenticator.js";
import { commonName, peerCertificates, subjectValues, verificationFailure, verifyClientCertificate, type CABundle } from "./x509.js";

/** The current CA bundle (it may be reloaded at any time); undefined = none yet. */
export type CABundleProvider = () => CABundle | undefined;

export function clientCertificateAuthenticator(ca: CABundleProvider, now: () => Date = () => new Date()): RequestAuthenticator {
  return {
    async authenticateRequest(req): Promise<AuthenticationResult> {
      const peer = peerCertificates(req);
      if (!peer) return notApplicable;
      const bundle = ca();
      if (!bundle) return notApplicable;
      try {
        verifyClientCertificate(peer, bundle, now());
      } catch (err) {
        return { authenticated: false, error: verificationFailure(peer.leaf, err) };
      }
      const cn = commonName(peer.leaf);
      if (!cn) return notApplicable;
      return { authenticated: true, user: { username: cn, groups: subjectValues(peer.leaf, "O") } };
    },
  };
}
