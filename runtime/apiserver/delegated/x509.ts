/**
 * Client certificate verification against a CA bundle, done per request rather than in the TLS handshake
 * (k8s.io/apiserver/pkg/authentication/request/x509): the HTTPS server requests a certificate without
 * requiring one (`requestCert: true, rejectUnauthorized: false`), and each authenticator checks the presented
 * chain against its own bundle — the client CA for client-certificate users, the request-header CA for the
 * front proxy — so that a certificate trusted for one purpose is never trusted for the other.
 *
 * Checks, as Go's `x509.Certificate.Verify` with upstream's DefaultVerifyOptions: every certificate of the
 * chain is within its validity period; each is signed by the next (intermediates must be CAs); the chain ends
 * at a certificate of the bundle; and extended key usages, where present, allow client authentication.
 */
import { X509Certificate } from "node:crypto";
import type { IncomingMessage } from "node:http";
import type { DetailedPeerCertificate, TLSSocket } from "node:tls";

const clientAuthEKU = "1.3.6.1.5.5.7.3.2";
const anyEKU = "2.5.29.37.0";
const maxChainLength = 10;

/** A certificate that does not verify; the message is Go's x509 wording (upstream logs it, the client sees 401). */
export class CertificateVerificationError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "CertificateVerificationError";
  }
}

/** A parsed PEM bundle of CA certificates (a `client-ca-file`). */
export class CABundle {
  private constructor(
    /** The bundle as given. */
    readonly pem: string,
    readonly certificates: readonly X509Certificate[],
  ) {}

  /** Parses every CERTIFICATE block of `pem`; throws when there is none or one does not parse (cert.ParseCertsPEM). */
  static parse(pem: string): CABundle {
    const blocks = pem.match(/-----BEGIN CERTIFICATE-----[\s\S]*?-----END CERTIFICATE-----/g) ?? [];
    if (blocks.length === 0) throw new Error("data does not contain any valid RSA or ECDSA certificates");
    const certs = blocks.map((b) => new X509Certificate(b));
    return new CABundle(pem, certs);
  }

  /** Whether both bundles hold the same certificates (in any order). */
  sameAs(other: CABundle | undefined): boolean {
    if (!other) return false;
    const mine = new Set(this.certificates.map((c) => c.fingerprint256));
    return other.certificates.length === this.certificates.length && other.certificates.every((c) => mine.has(c.fingerprint256));
  }
}

/** The client certificate of a TLS request and the intermediates the client sent with it. */
export interface PeerCertificates {
  leaf: X509Certificate;
  intermediates: X509Certificate[];
}

const peerCache = new WeakMap<object, PeerCertificates | null>();

/** The request's client certificate chain; undefined for plain HTTP or a TLS client that sent none. */
export function peerCertificates(req: IncomingMessage): PeerCertificates | undefined {
  const sock = req.socket as Partial<TLSSocket> | undefined;
  if (!sock || typeof sock.getPeerCertificate !== "function") return undefined;
  const cached = peerCache.get(sock);
  if (cached !== undefined) return cached ?? undefined;
  const detailed = sock.getPeerCertificate(true) as DetailedPeerCertificate | null;
  let out: PeerCertificates | null = null;
  if (detailed && Buffer.isBuffer(detailed.raw) && detailed.raw.length > 0) {
    const leaf = new X509Certificate(detailed.raw);
    const intermediates: X509Certificate[] = [];
    const seen = new Set([leaf.fingerprint256]);
    let cur = detailed.issuerCertificate as DetailedPeerCertificate | undefined;
    while (cur && Buffer.isBuffer(cur.raw) && intermediates.length < maxChainLength) {
      const c = new X509Certificate(cur.raw);
      if (seen.has(c.fingerprint256)) break;
      seen.add(c.fingerprint256);
      intermediates.push(c);
      cur = cur.issuerCertificate as DetailedPeerCertificate | undefined;
    }
    out = { leaf, intermediates };
  }
  peerCache.set(sock, out);
  return out ?? undefined;
}

/** The subject's common name ("" when absent). */
export function commonName(cert: X509Certificate): string {
  return subjectValues(cert, "CN")[0] ?? "";
}

/** Values of one attribute of the subject ("O" → the organizations). */
export function subjectValues(cert: X509Certificate, attr: string): string[] {
  return cert.subject
    .split("\n")
    .filter((p) => p.startsWith(`${attr}=`))
    .map((p) => p.slice(attr.length + 1));
}

function goTime(d: Date): string {
  return d.toISOString().replace(/\.\d{3}Z$/, "Z");
}

function checkValidity(cert: X509Certificate, now: Date): void {
  const from = new Date(cert.validFrom);
  const to = new Date(cert.validTo);
  if (now < from) throw new CertificateVerificationError(`x509: certificate has expired or is not yet valid: current time ${goTime(now)} is before ${goTime(from)}`);
  if (now > to) throw new CertificateVerificationError(`x509: certificate has expired or is not yet valid: current time ${goTime(now)} is after ${goTime(to)}`);
}

function allowsClientAuth(cert: X509Certificate): boolean {
  const ekus = cert.keyUsage;
  return !ekus || ekus.length === 0 || ekus.includes(clientAuthEKU) || ekus.includes(anyEKU);
}

function validAt(cert: X509Certificate, now: Date): boolean {
  return now >= new Date(cert.validFrom) && now <= new Date(cert.validTo);
}

function signedBy(child: X509Certificate, parent: X509Certificate): boolean {
  try {
    return child.checkIssued(parent) && child.verify(parent.publicKey);
  } catch {
    return false;
  }
}

/**
 * Verifies a client certificate chain against `roots` for client authentication; throws
 * CertificateVerificationError with the reason.
 */
export function verifyClientCertificate(peer: PeerCertificates, roots: CABundle, now = new Date()): void {
  checkValidity(peer.leaf, now);
  if (!allowsClientAuth(peer.leaf)) throw new CertificateVerificationError("x509: certificate specifies an incompatible key usage");
  const pool = [...peer.intermediates];
  let current = peer.leaf;
  for (let depth = 0; depth < maxChainLength; depth++) {
    if (roots.certificates.some((r) => r.fingerprint256 === current.fingerprint256)) return;
    if (roots.certificates.some((r) => validAt(r, now) && signedBy(current, r))) return;
    const next = pool.findIndex((c) => c.ca && validAt(c, now) && signedBy(current, c));
    if (next < 0) break;
    const [issuer] = pool.splice(next, 1);
    if (!issuer) break;
    if (!allowsClientAuth(issuer)) throw new CertificateVerificationError("x509: certificate specifies an incompatible key usage");
    current = issuer;
  }
  throw new CertificateVerificationError("x509: certificate signed by unknown authority");
}

/** `verifying certificate SN=<serial> failed: <reason>` (upstream's wrapper of the x509 error, without SKID/AKID). */
export function verificationFailure(cert: X509Certificate, err: unknown): Error {
  const reason = err instanceof Error ? err.message : String(err);
  return new CertificateVerificationError(`verifying certificate SN=${BigInt(`0x${cert.serialNumber}`).toString()} failed: ${reason}`);
}
