/**
 * Front-proxy (request-header) authentication (request/headerrequest): the aggregator forwards the user it
 * authenticated in `X-Remote-User`, `X-Remote-Uid`, `X-Remote-Group` (one header per group) and
 * `X-Remote-Extra-<url-escaped key>` headers. They are believed only when the connection's client certificate
 * verifies against the request-header CA and its CN is one of the allowed names (none listed = any CN that
 * CA signed). A request without a certificate, or before a request-header CA is known: the headers are
 * ignored and the other authenticators apply. A certificate that does not verify, or whose CN is not allowed:
 * rejected (the headers are never used).
 *
 * Header names are matched case-insensitively; the first username header with a value wins; every value of
 * every group header counts (empty ones skipped); an extra key is the lower-cased rest of the header name,
 * percent-decoded. Each request reads one snapshot of the configuration, so a reload in the middle of a
 * request never mixes an old allow-list with new header names.
 */
import type { IncomingMessage } from "node:http";
import type { UserInfo } from "../admission/types.js";
import type { AuthenticationResult, RequestAuthenticator } from "./authenticator.js";
import { notApplicable } from "./authenticator.js";
import { CertificateVerificationError, commonName, peerCertificates, verifyClientCertificate, type CABundle } from "./x509.js";

/** One consistent request-header configuration (the `requestheader-*` options or ConfigMap keys). */
export interface RequestHeaderConfig {
  /** requestheader-client-ca-file: the CA front-proxy certificates must chain to (undefined: none yet). */
  clientCA: CABundle | undefined;
  /** requestheader-allowed-names: CNs allowed to assert users; empty = any certificate the CA signed. */
  allowedNames: readonly string[];
  /** requestheader-username-headers (upstream default ["x-remote-user"]). */
  usernameHeaders: readonly string[];
  /** requestheader-uid-headers (suggested ["x-remote-uid"]). */
  uidHeaders: readonly string[];
  /** requestheader-group-headers (default ["x-remote-group"]). */
  groupHeaders: readonly string[];
  /** requestheader-extra-headers-prefix (default ["x-remote-extra-"]). */
  extraHeaderPrefixes: readonly string[];
}

/** The current configuration; undefined = request-header authentication is off. */
export type RequestHeaderConfigProvider = () => RequestHeaderConfig | undefined;

/** The request's headers as name (lower case) → every value in arrival order, from the raw header lines. */
function rawHeaderValues(req: IncomingMessage): Map<string, string[]> {
  const out = new Map<string, string[]>();
  const raw = req.rawHeaders;
  for (let i = 0; i + 1 < raw.length; i += 2) {
    const name = (raw[i] ?? "").toLowerCase();
    const list = out.get(name);
    if (list) list.push(raw[i + 1] ?? "");
    else out.set(name, [raw[i + 1] ?? ""]);
  }
  return out;
}

/** The first value of the first header that has a non-empty first value (Go's Header.Get per name). */
function firstValue(headers: Map<string, string[]>, names: readonly string[]): string {
  for (const n of names) {
    const first = headers.get(n.toLowerCase())?.[0] ?? "";
    if (first.length > 0) return first;
  }
  return "";
}

function allValues(headers: Map<string, string[]>, names: readonly string[]): string[] {
  const out: string[] = [];
  for (const n of names) for (const v of headers.get(n.toLowerCase()) ?? []) if (v.length > 0) out.push(v);
  return out;
}

function unescapeExtraKey(key: string): string {
  try {
    return decodeURIComponent(key);
  } catch {
    return key;
  }
}

function extraValues(headers: Map<string, string[]>, prefixes: readonly string[]): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const prefix of prefixes) {
    const p = prefix.toLowerCase();
    for (const [name, values] of headers) {
      if (!name.startsWith(p)) continue;
      const key = unescapeExtraKey(name.slice(p.length));
      (out[key] ??= []).push(...values);
    }
  }
  return out;
}

/** The user the configured headers assert; undefined when no username header has a value. */
export function userFromHeaders(req: IncomingMessage, cfg: RequestHeaderConfig): UserInfo | undefined {
  const headers = rawHeaderValues(req);
  const username = firstValue(headers, cfg.usernameHeaders);
  if (!username) return undefined;
  const user: UserInfo = { username, groups: allValues(headers, cfg.groupHeaders), extra: extraValues(headers, cfg.extraHeaderPrefixes) };
  const uid = firstValue(headers, cfg.uidHeaders);
  if (uid) user.uid = uid;
  return user;
}

/**
 * Removes the request-header headers of `cfg` from the request (headers and rawHeaders), as upstream does once
 * a request is authenticated, so that no handler (or proxy) behind the filter sees asserted identities.
 */
export function clearAuthenticationHeaders(req: IncomingMessage, cfg: RequestHeaderConfig | undefined): void {
  if (!cfg) return;
  const exact = new Set([...cfg.usernameHeaders, ...cfg.uidHeaders, ...cfg.groupHeaders].map((h) => h.toLowerCase()));
  const prefixes = cfg.extraHeaderPrefixes.map((p) => p.toLowerCase());
  const drop = (name: string): boolean => exact.has(name) || prefixes.some((p) => name.startsWith(p));
  for (const name of Object.keys(req.headers)) if (drop(name)) delete req.headers[name];
  const raw = req.rawHeaders;
  for (let i = raw.length - 2; i >= 0; i -= 2) if (drop((raw[i] ?? "").toLowerCase())) raw.splice(i, 2);
}

/** The request-header authenticator (headerrequest.NewSecure: an x509 CA + CN check around the header reader). */
export function requestHeaderAuthenticator(config: RequestHeaderConfigProvider, now: () => Date = () => new Date()): RequestAuthenticator {
  return {
    async authenticateRequest(req): Promise<AuthenticationResult> {
      const cfg = config();
      if (!cfg?.clientCA) return notApplicable;
      const peer = peerCertificates(req);
      if (!peer) return notApplicable;
      try {
        verifyClientCertificate(peer, cfg.clientCA, now());
      } catch (err) {
        return { authenticated: false, error: err instanceof Error ? err : new Error(String(err)) };
      }
      if (cfg.allowedNames.length > 0) {
        const cn = commonName(peer.leaf);
        if (!cfg.allowedNames.includes(cn)) {
          return { authenticated: false, error: new CertificateVerificationError(`x509: subject with cn=${cn} is not in the allowed list`) };
        }
      }
      const user = userFromHeaders(req, cfg);
      return user ? { authenticated: true, user } : notApplicable;
    },
  };
}
