import { X509Certificate } from "node:crypto";
import { describe, expect, it } from "vitest";
import { authenticationConfigMapData } from "./authconfig.js";
import { frontProxyHeaders, generateFrontProxyCredentials, headerKeyEscape, isIdentityHeader, userFromFrontProxyHeaders } from "./frontproxy.js";

describe("front proxy", () => {
  it("escapes extra keys as client-go does: non-token bytes and % become %XX", () => {
    expect(headerKeyEscape("authentication.kubernetes.io/credential-id")).toBe("authentication.kubernetes.io%2Fcredential-id");
    expect(headerKeyEscape("scopes")).toBe("scopes");
    expect(headerKeyEscape("a b%c:ü")).toBe("a%20b%25c%3A%C3%BC");
  });

  it("sends the user, one group per header line and one extra per value", () => {
    expect(frontProxyHeaders({ username: "system:serviceaccount:ns:sa", uid: "u-1", groups: ["system:serviceaccounts", "system:authenticated"], extra: { "authentication.kubernetes.io/credential-id": ["JTI=1"], scopes: ["a", "b"], empty: [] } })).toEqual({
      "X-Remote-User": "system:serviceaccount:ns:sa",
      "X-Remote-Group": ["system:serviceaccounts", "system:authenticated"],
      "X-Remote-Extra-authentication.kubernetes.io%2Fcredential-id": ["JTI=1"],
      "X-Remote-Extra-scopes": ["a", "b"],
    });
  });

  it("reads back the user a receiving server sees (keys unescaped, lower-cased)", () => {
    const sent = frontProxyHeaders({ username: "jane", groups: ["a", "b"], extra: { "Example.com/Team": ["x", "y"] } });
    // as Node hands them to a server: lower-case names, repeated lines joined in `headers`, kept in `headersDistinct`
    const headers = Object.fromEntries(Object.entries(sent).map(([k, v]) => [k.toLowerCase(), Array.isArray(v) ? v.join(", ") : String(v)]));
    const distinct = Object.fromEntries(Object.entries(sent).map(([k, v]) => [k.toLowerCase(), Array.isArray(v) ? v.map(String) : [String(v)]]));
    expect(userFromFrontProxyHeaders(headers, distinct)).toEqual({ username: "jane", groups: ["a", "b"], extra: { "example.com/team": ["x", "y"] } });
    expect(userFromFrontProxyHeaders({ accept: "*/*" })).toBeUndefined();
  });

  it("treats credentials and identity claims of the client as headers to drop", () => {
    expect(["authorization", "impersonate-user", "impersonate-extra-x", "x-remote-user", "x-remote-group", "x-remote-extra-a", "x-remote-uid"].every(isIdentityHeader)).toBe(true);
    expect(["accept", "content-type", "user-agent", "x-request-id"].some(isIdentityHeader)).toBe(false);
  });

  it("generates a request-header CA and a client certificate CN=front-proxy-client it signed", async () => {
    const creds = await generateFrontProxyCredentials();
    const ca = new X509Certificate(creds.caPEM);
    const cert = new X509Certificate(creds.certPEM);
    expect(cert.subject).toBe("CN=front-proxy-client");
    expect(cert.checkIssued(ca)).toBe(true);
    expect(cert.verify(ca.publicKey)).toBe(true);
  });

  it("publishes upstream's extension-apiserver-authentication keys, lists as JSON arrays", () => {
    expect(authenticationConfigMapData({ clientCAPEM: "CLIENT-CA", requestHeaderCAPEM: "RH-CA" })).toEqual({
      "client-ca-file": "CLIENT-CA",
      "requestheader-allowed-names": '["front-proxy-client"]',
      "requestheader-client-ca-file": "RH-CA",
      "requestheader-extra-headers-prefix": '["X-Remote-Extra-"]',
      "requestheader-group-headers": '["X-Remote-Group"]',
      "requestheader-username-headers": '["X-Remote-User"]',
    });
    expect(Object.keys(authenticationConfigMapData({ requestHeaderCAPEM: "RH-CA" }))).not.toContain("client-ca-file");
  });
});
