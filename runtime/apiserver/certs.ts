/**
 * Certificate generation for API servers: a self-signed CA that issues serving certificates (for
 * 127.0.0.1/localhost, a Service's DNS names, ...) and client certificates (the control plane's admin:
 * CN=kubeforge-admin, O=system:masters; the aggregator's front-proxy client: CN=front-proxy-client). ECDSA P-256,
 * so generation takes milliseconds. Used by the local control plane and by aggregated API servers that
 * generate their own serving certificate.
 */
import { webcrypto, randomBytes, X509Certificate } from "node:crypto";
import * as x509 from "@peculiar/x509";

x509.cryptoProvider.set(webcrypto as unknown as Parameters<typeof x509.cryptoProvider.set>[0]);

const alg = { name: "ECDSA", namedCurve: "P-256", hash: "SHA-256" } as const;

export interface KeyPairPEM {
  certPEM: string;
  keyPEM: string;
}

export interface CertificateAuthority extends KeyPairPEM {
  /** Signs a certificate for `subject` (e.g. "CN=kubeforge-admin, O=system:masters"). */
  issue(req: { subject: string; dnsNames?: string[]; ips?: string[]; client?: boolean; server?: boolean; days?: number }): Promise<KeyPairPEM>;
}

function pem(label: string, der: ArrayBuffer): string {
  const b64 = Buffer.from(der).toString("base64").replace(/(.{64})/g, "$1\n").replace(/\n$/, "");
  return `-----BEGIN ${label}-----\n${b64}\n-----END ${label}-----\n`;
}

function serial(): string {
  const b = randomBytes(16);
  b[0] = (b[0] ?? 0) & 0x7f;
  return b.toString("hex");
}

async function keyPair(): Promise<webcrypto.CryptoKeyPair> {
  return (await webcrypto.subtle.generateKey(alg, true, ["sign", "verify"])) as webcrypto.CryptoKeyPair;
}

async function exportKey(key: webcrypto.CryptoKey): Promise<string> {
  return pem("PRIVATE KEY", await webcrypto.subtle.exportKey("pkcs8", key));
}

/** Creates a new CA valid for `days` (default 365). */
export async function createCA(commonName = "kubeforge-ca", days = 365): Promise<CertificateAuthority> {
  const keys = await keyPair();
  const now = new Date(Date.now() - 60_000);
  const caCert = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: serial(),
    name: `CN=${commonName}`,
    notBefore: now,
    notAfter: new Date(now.getTime() + days * 86_400_000),
    signingAlgorithm: alg,
    keys,
    extensions: [
      new x509.BasicConstraintsExtension(true, undefined, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign | x509.KeyUsageFlags.digitalSignature, true),
      await x509.SubjectKeyIdentifierExtension.create(keys.publicKey),
    ],
  });
  const certPEM = caCert.toString("pem") + "\n";
  const keyPEM = await exportKey(keys.privateKey);
  return {
    certPEM,
    keyPEM,
    async issue(req) {
      const leaf = await keyPair();
      const sans: x509.JsonGeneralName[] = [
        ...(req.dnsNames ?? []).map((value) => ({ type: "dns" as const, value })),
        ...(req.ips ?? []).map((value) => ({ type: "ip" as const, value })),
      ];
      const usages: string[] = [];
      if (req.server) usages.push(x509.ExtendedKeyUsage.serverAuth);
      if (req.client) usages.push(x509.ExtendedKeyUsage.clientAuth);
      const extensions: x509.Extension[] = [
        new x509.BasicConstraintsExtension(false, undefined, true),
        new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature | x509.KeyUsageFlags.keyEncipherment, true),
        new x509.ExtendedKeyUsageExtension(usages, false),
        await x509.AuthorityKeyIdentifierExtension.create(caCert, false),
      ];
      if (sans.length) extensions.push(new x509.SubjectAlternativeNameExtension(sans, false));
      const cert = await x509.X509CertificateGenerator.create({
        serialNumber: serial(),
        subject: req.subject,
        issuer: caCert.subject,
        notBefore: now,
        notAfter: new Date(now.getTime() + (req.days ?? days) * 86_400_000),
        signingAlgorithm: alg,
        publicKey: leaf.publicKey,
        signingKey: keys.privateKey,
        extensions,
      });
      return { certPEM: cert.toString("pem") + "\n", keyPEM: await exportKey(leaf.privateKey) };
    },
  };
}

/** The user a verified client certificate names: CN → username, each O → a group (as kube-apiserver maps them). */
export function userFromCertificate(cert: X509Certificate | { subject: Record<string, string | string[]> }): { username: string; groups: string[] } {
  if (cert instanceof X509Certificate) {
    const parts = cert.subject.split("\n");
    const cn = parts.find((p) => p.startsWith("CN="))?.slice(3) ?? "";
    const groups = parts.filter((p) => p.startsWith("O=")).map((p) => p.slice(2));
    return { username: cn, groups };
  }
  const cn = cert.subject.CN;
  const o = cert.subject.O;
  return { username: Array.isArray(cn) ? (cn[0] ?? "") : (cn ?? ""), groups: o === undefined ? [] : Array.isArray(o) ? o : [o] };
}
