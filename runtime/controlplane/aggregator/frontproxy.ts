/**
 * The front proxy: the credentials the aggregator presents to aggregated API servers and the request headers
 * that carry the authenticated user to them (kube-apiserver's --proxy-client-cert-file / --requestheader-*
 * and client-go's transport.SetAuthProxyHeaders).
 *
 * Contract an aggregated server relies on (published in kube-system/extension-apiserver-authentication):
 * - the connection presents a client certificate with CN `front-proxy-client` issued by the request-header CA;
 * - `X-Remote-User`: the user name (exactly one);
 * - `X-Remote-Group`: one header line per group (system:authenticated included);
 * - `X-Remote-Extra-<key>`: one header line per value, the key percent-encoded where it is not an HTTP token
 *   character (and `%` itself), e.g. `X-Remote-Extra-Authentication.kubernetes.io%2Fcredential-Id`.
 * Every header of those names a client sent is removed first, with `Authorization` and `Impersonate-*`.
 */
import type { IncomingHttpHeaders, OutgoingHttpHeaders } from "node:http";
import type { UserInfo } from "../../apiserver/admission/types.js";
import { createCA } from "../certs.js";

/** The request-header CA and the client certificate (CN=front-proxy-client) it issued. */
export interface FrontProxyCredentials {
  /** PEM of the CA aggregated servers verify the front proxy's client certificate against. */
  caPEM: string;
  certPEM: string;
  keyPEM: string;
}

export const frontProxyCommonName = "front-proxy-client";
export const usernameHeader = "X-Remote-User";
export const groupHeader = "X-Remote-Group";
export const extraHeaderPrefix = "X-Remote-Extra-";

/** A fresh request-header CA (ECDSA P-256) and a front-proxy client certificate from it. */
export async function generateFrontProxyCredentials(): Promise<FrontProxyCredentials> {
  const ca = await createCA("front-proxy-ca");
  const client = await ca.issue({ subject: `CN=${frontProxyCommonName}`, client: true });
  return { caPEM: ca.certPEM, certPEM: client.certPEM, keyPEM: client.keyPEM };
}

/** RFC 7230 token characters, which may stand in a header name as they are. */
function isTokenByte(b: number): boolean {
  if (b >= 0x30 && b <= 0x39) return true;
  if ((b >= 0x41 && b <= 0x5a) || (b >= 0x61 && b <= 0x7a)) return true;
  return "!#$&'*+-.^_`|~".includes(String.fromCharCode(b));
}

/** headerKeyEscape: %-encodes every byte of `key` that is not a token character, and `%`. */
export function headerKeyEscape(key: string): string {
  let out = "";
  for (const b of Buffer.from(key, "utf8")) {
    out += isTokenByte(b) ? String.fromCharCode(b) : `%${b.toString(16).toUpperCase().padStart(2, "0")}`;
  }
  return out;
}

/** Whether a request header must not reach an aggregated server (credentials and identity claims of the client). */
export function isIdentityHeader(lowerName: string): boolean {
  return lowerName === "authorization" || lowerName.startsWith("impersonate-") || lowerName.startsWith("x-remote-");
}

/** The front-proxy headers for `user` (SetAuthProxyHeaders; the uid is not sent, as with RemoteRequestHeaderUID off). */
export function frontProxyHeaders(user: UserInfo): OutgoingHttpHeaders {
  const headers: OutgoingHttpHeaders = { [usernameHeader]: user.username };
  if (user.groups.length > 0) headers[groupHeader] = [...user.groups];
  for (const [key, values] of Object.entries(user.extra ?? {})) {
    if (values.length > 0) headers[`${extraHeaderPrefix}${headerKeyEscape(key)}`] = [...values];
  }
  return headers;
}

/** The user named by front-proxy headers (the receiving side, for tests and in-process servers): keys unescaped and lower-cased. */
export function userFromFrontProxyHeaders(headers: IncomingHttpHeaders, distinct?: Record<string, string[] | undefined>): UserInfo | undefined {
  const all = (name: string): string[] => {
    const d = distinct?.[name];
    if (d) return d;
    const v = headers[name];
    return v === undefined ? [] : Array.isArray(v) ? v : [v];
  };
  const username = all(usernameHeader.toLowerCase())[0];
  if (!username) return undefined;
  const extra: Record<string, string[]> = {};
  const prefix = extraHeaderPrefix.toLowerCase();
  for (const name of Object.keys(headers)) {
    if (!name.startsWith(prefix)) continue;
    let key = name.slice(prefix.length);
    try {
      key = decodeURIComponent(key);
    } catch {
      // keep the raw key
    }
    extra[key.toLowerCase()] = all(name);
  }
  return { username, groups: all(groupHeader.toLowerCase()), ...(Object.keys(extra).length ? { extra } : {}) };
}
