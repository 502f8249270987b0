/**
 * Certificates for the local control plane: the generation lives in the API server library
 * (`runtime/apiserver/certs.ts`) so that aggregated API servers can use it too; re-exported here.
 */
export { createCA, userFromCertificate } from "../apiserver/certs.js";
export type { CertificateAuthority, KeyPairPEM } from "../apiserver/certs.js";
