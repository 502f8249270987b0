/**
 * Bearer tokens of a request (request/bearertoken and request/websocket): the `Authorization: Bearer <token>`
 * header, or for WebSocket upgrades (browsers cannot set headers) a `base64url.bearer.authorization.k8s.io.<token>`
 * subprotocol. Either hands the token to a TokenAuthenticator; a token it does not accept is
 * `invalid bearer token` (a 401, never anonymous). No token: not applicable.
 */
import type { IncomingMessage } from "node:http";
import type { AuthenticationResult, RequestAuthenticator } from "./authenticator.js";
import { notApplicable } from "./authenticator.js";

/** Checks a token (authenticator.Token): same contract as RequestAuthenticator, for a token. */
export interface TokenAuthenticator {
  authenticateToken(token: string): Promise<AuthenticationResult>;
}

export const invalidBearerToken = "invalid bearer token";
const bearerProtocolPrefix = "base64url.bearer.authorization.k8s.io.";

function withDefaultError(r: AuthenticationResult): AuthenticationResult {
  if (r.authenticated || r.error) return r;
  return { authenticated: false, error: new Error(invalidBearerToken) };
}

/** `Authorization: Bearer <token>` (the scheme case-insensitive; an empty token is not applicable). */
export function bearerTokenAuthenticator(tokens: TokenAuthenticator): RequestAuthenticator {
  return {
    async authenticateRequest(req) {
      const header = (req.headers.authorization ?? "").trim();
      if (!header) return notApplicable;
      const parts = header.split(" ");
      if (parts.length < 2 || (parts[0] ?? "").toLowerCase() !== "bearer") return notApplicable;
      const token = parts[1] ?? "";
      if (!token) return notApplicable;
      return withDefaultError(await tokens.authenticateToken(token));
    },
  };
}

function isWebSocketRequest(req: IncomingMessage): boolean {
  const connection = String(req.headers.connection ?? "").toLowerCase();
  return connection.split(",").some((t) => t.trim() === "upgrade") && String(req.headers.upgrade ?? "").toLowerCase() === "websocket";
}

/** The `base64url.bearer.authorization.k8s.io.` subprotocol of WebSocket requests; removed from the header on success. */
export function webSocketProtocolAuthenticator(tokens: TokenAuthenticator): RequestAuthenticator {
  return {
    async authenticateRequest(req) {
      if (!isWebSocketRequest(req)) return notApplicable;
      const raw = req.headers["sec-websocket-protocol"];
      const values = Array.isArray(raw) ? raw : raw === undefined ? [] : [raw];
      let token = "";
      let sawToken = false;
      const others: string[] = [];
      for (const value of values) {
        for (const p of value.split(",")) {
          const protocol = p.trim();
          if (!protocol.startsWith(bearerProtocolPrefix)) {
            others.push(protocol);
            continue;
          }
          if (sawToken) return { authenticated: false, error: new Error("multiple base64.bearer.authorization tokens specified") };
          sawToken = true;
          const encoded = protocol.slice(bearerProtocolPrefix.length);
          if (!/^[A-Za-z0-9_-]*$/.test(encoded) || encoded.length % 4 === 1) {
            return { authenticated: false, error: new Error("invalid base64.bearer.authorization token encoding") };
          }
          const bytes = Buffer.from(encoded, "base64url");
          const text = bytes.toString("utf8");
          if (!Buffer.from(text, "utf8").equals(bytes)) return { authenticated: false, error: new Error("invalid base64.bearer.authorization token") };
          token = text;
        }
      }
      if (token && others.length === 0) return { authenticated: false, error: new Error("missing additional subprotocol") };
      if (!token) return notApplicable;
      const r = withDefaultError(await tokens.authenticateToken(token));
      if (r.authenticated) req.headers["sec-websocket-protocol"] = others.join(",");
      return r;
    },
  };
}
