/** Client certificate chain verification with real certificates (root, intermediates, usages, validity). */
import { X509Certificate, webcrypto } from "node:crypto";
import * as x509 from "@peculiar/x509";
import { beforeAll, describe, expect, it } from "vitest";
import { createCA, type CertificateAuthority } from "../certs.js";
import { CABundle, verifyClientCertificate, type PeerCertificates } from "./x509.js";

const alg = { name: "ECDSA", namedCurve: "P-256", hash: "SHA-256" } as const;

async function importKey(pem: string): Promise<webcrypto.CryptoKey> {
  const der = Buffer.from(pem.replace(/-----[^-]+-----|\s/g, ""), "base64");
  return webcrypto.subtle.importKey("pkcs8", der, alg, true, ["sign"]);
}

/** A certificate for `subject` signed by `issuer` (PEM + key), a CA when `ca`. */
async function signed(subject: string, issuer: { certPEM: string; keyPEM: string }, ca: boolean): Promise<{ certPEM: string; keyPEM: string }> {
  const keys = (await webcrypto.subtle.generateKey(alg, true, ["sign", "verify"])) as webcrypto.CryptoKeyPair;
  const issuerCert = new x509.X509Certificate(issuer.certPEM);
  const now = new Date(Date.now() - 60_000);
  const cert = await x509.X509CertificateGenerator.create({
    serialNumber: "0a1b2c",
    subject,
    issuer: issuerCert.subject,
    notBefore: now,
    notAfter: new Date(now.getTime() + 86_400_000),
    signingAlgorithm: alg,
    publicKey: keys.publicKey,
    signingKey: await importKey(issuer.keyPEM),
    extensions: ca
      ? [new x509.BasicConstraintsExtension(true, undefined, true), new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.digitalSignature, true)]
      : [new x509.BasicConstraintsExtension(false, undefined, true), new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.clientAuth])],
  });
  const keyPEM = `-----BEGIN PRIVATE KEY-----\n${Buffer.from(await webcrypto.subtle.exportKey("pkcs8", keys.privateKey)).toString("base64")}\n-----END PRIVATE KEY-----\n`;
  return { certPEM: cert.toString("pem"), keyPEM };
}

const peer = (leaf: string, ...intermediates: string[]): PeerCertificates => ({ leaf: new X509Certificate(leaf), intermediates: intermediates.map((p) => new X509Certificate(p)) });

let root: CertificateAuthority;
let other: CertificateAuthority;
let bundle: CABundle;

beforeAll(async () => {
  [root, other] = await Promise.all([createCA("root"), createCA("other")]);
  bundle = CABundle.parse(root.certPEM);
});

describe("client certificate verification", () => {
  it("accepts a client certificate the bundle's CA signed", async () => {
    const c = await root.issue({ subject: "CN=a", client: true });
    expect(() => verifyClientCertificate(peer(c.certPEM), bundle)).not.toThrow();
  });

  it("rejects a certificate of another CA", async () => {
    const c = await other.issue({ subject: "CN=a", client: true });
    expect(() => verifyClientCertificate(peer(c.certPEM), bundle)).toThrow("x509: certificate signed by unknown authority");
    // a bundle with both CAs trusts it
    expect(() => verifyClientCertificate(peer(c.certPEM), CABundle.parse(root.certPEM + other.certPEM))).not.toThrow();
  });

  it("rejects a certificate whose extended key usages exclude client authentication", async () => {
    const c = await root.issue({ subject: "CN=a", server: true });
    expect(() => verifyClientCertificate(peer(c.certPEM), bundle)).toThrow("x509: certificate specifies an incompatible key usage");
  });

  it("rejects an expired certificate", async () => {
    const c = await root.issue({ subject: "CN=a", client: true, days: -1 });
    expect(() => verifyClientCertificate(peer(c.certPEM), bundle)).toThrow(/^x509: certificate has expired or is not yet valid: current time \S+ is after \S+$/);
    const later = await root.issue({ subject: "CN=a", client: true });
    expect(() => verifyClientCertificate(peer(later.certPEM), bundle, new Date(Date.now() + 400 * 86_400_000))).toThrow(/is after/);
  });

  it("follows intermediates the client sent, which must be CAs", async () => {
    const intermediate = await signed("CN=intermediate", root, true);
    const leaf = await signed("CN=leaf", intermediate, false);
    expect(() => verifyClientCertificate(peer(leaf.certPEM, intermediate.certPEM), bundle)).not.toThrow();
    expect(() => verifyClientCertificate(peer(leaf.certPEM), bundle)).toThrow("unknown authority");
    const notCA = await signed("CN=not-a-ca", root, false);
    const below = await signed("CN=leaf", notCA, false);
    expect(() => verifyClientCertificate(peer(below.certPEM, notCA.certPEM), bundle)).toThrow("unknown authority");
  });

  it("parses PEM bundles (several certificates; none is an error)", () => {
    expect(CABundle.parse(`${root.certPEM}\n${other.certPEM}`).certificates).toHaveLength(2);
    expect(() => CABundle.parse("nothing here")).toThrow("data does not contain any valid RSA or ECDSA certificates");
    expect(CABundle.parse(root.certPEM).sameAs(CABundle.parse(root.certPEM))).toBe(true);
    expect(CABundle.parse(root.certPEM).sameAs(CABundle.parse(other.certPEM))).toBe(false);
  });
});
