/** How authenticators combine (union, authenticated group, anonymous fall-back) and how bearer tokens are found. */
import type { IncomingMessage } from "node:http";
import { describe, expect, it } from "vitest";
import { StatusError } from "../../core/errors.js";
import type { UserInfo } from "../admission/types.js";
import {
  anonymousAuthenticator,
  authenticatedGroupAdder,
  unionAuthenticator,
  userOrUnauthorized,
  withFallback,
  type AuthenticationResult,
  type RequestAuthenticator,
} from "./authenticator.js";
import { bearerTokenAuthenticator, webSocketProtocolAuthenticator, type TokenAuthenticator } from "./bearertoken.js";

const req = (headers: Record<string, string> = {}, url = "/apis"): IncomingMessage => ({ headers, rawHeaders: Object.entries(headers).flat(), url }) as unknown as IncomingMessage;
const fixed = (r: AuthenticationResult): RequestAuthenticator => ({ authenticateRequest: async () => r });
const user = (username: string, groups: string[] = []): AuthenticationResult => ({ authenticated: true, user: { username, groups } });
const none: AuthenticationResult = { authenticated: false };
const bad = (msg: string): AuthenticationResult => ({ authenticated: false, error: new Error(msg) });

describe("authenticator composition", () => {
  it("a union returns the first success, else every error aggregated", async () => {
    expect(await unionAuthenticator([fixed(none), fixed(bad("x")), fixed(user("u"))]).authenticateRequest(req())).toEqual(user("u"));
    const failed = await unionAuthenticator([fixed(bad("a")), fixed(none), fixed(bad("b"))]).authenticateRequest(req());
    expect(!failed.authenticated && failed.error?.message).toBe("[a, b]");
    expect(await unionAuthenticator([fixed(none)]).authenticateRequest(req())).toEqual(none);
    const thrown = await unionAuthenticator([{ authenticateRequest: () => Promise.reject(new Error("boom")) }]).authenticateRequest(req());
    expect(!thrown.authenticated && thrown.error?.message).toBe("boom");
  });

  it("adds system:authenticated unless the user is anonymous or already has it (or system:unauthenticated)", async () => {
    const add = async (r: AuthenticationResult): Promise<UserInfo | undefined> => {
      const out = await authenticatedGroupAdder(fixed(r)).authenticateRequest(req());
      return out.authenticated ? out.user : undefined;
    };
    expect((await add(user("u", ["g"])))?.groups).toEqual(["g", "system:authenticated"]);
    expect((await add(user("u", ["system:authenticated", "g"])))?.groups).toEqual(["system:authenticated", "g"]);
    expect((await add(user("system:anonymous", ["system:unauthenticated"])))?.groups).toEqual(["system:unauthenticated"]);
  });

  it("falls back on anonymous only when no authenticator applied; a rejected credential stays rejected", async () => {
    const anon = anonymousAuthenticator();
    expect(await withFallback(fixed(none), anon).authenticateRequest(req())).toEqual(user("system:anonymous", ["system:unauthenticated"]));
    expect((await withFallback(fixed(bad("invalid bearer token")), anon).authenticateRequest(req())).authenticated).toBe(false);
    const paths = anonymousAuthenticator({ paths: ["/healthz"] });
    expect((await paths.authenticateRequest(req({}, "/healthz?verbose"))).authenticated).toBe(true);
    expect((await paths.authenticateRequest(req({}, "/apis"))).authenticated).toBe(false);
  });

  it("rejects with upstream's 401 Status", async () => {
    const errors: string[] = [];
    const err = await userOrUnauthorized(fixed(bad("why")), req(), (e) => errors.push(e.message)).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(StatusError);
    expect((err as StatusError).status).toEqual({ kind: "Status", apiVersion: "v1", metadata: {}, status: "Failure", message: "Unauthorized", reason: "Unauthorized", code: 401 });
    expect(errors).toEqual(["why"]);
  });
});

describe("bearer tokens", () => {
  const seen: string[] = [];
  const tokens: TokenAuthenticator = {
    async authenticateToken(t) {
      seen.push(t);
      return t === "good" ? user("t") : none;
    },
  };

  it("come from `Authorization: Bearer` (any case); other schemes and empty tokens do not apply", async () => {
    const auth = bearerTokenAuthenticator(tokens);
    expect(await auth.authenticateRequest(req({ authorization: "Bearer good" }))).toEqual(user("t"));
    expect(await auth.authenticateRequest(req({ authorization: "bearer good" }))).toEqual(user("t"));
    expect(await auth.authenticateRequest(req({ authorization: "Basic Zm9vOmJhcg==" }))).toEqual(none);
    expect(await auth.authenticateRequest(req({ authorization: "Bearer " }))).toEqual(none);
    expect(await auth.authenticateRequest(req({}))).toEqual(none);
    const rejected = await auth.authenticateRequest(req({ authorization: "Bearer nope" }));
    expect(!rejected.authenticated && rejected.error?.message).toBe("invalid bearer token");
  });

  it("come from the WebSocket bearer subprotocol, which is removed on success", async () => {
    const auth = webSocketProtocolAuthenticator(tokens);
    const ws = (protocols: string) => req({ connection: "Upgrade", upgrade: "websocket", "sec-websocket-protocol": protocols });
    const enc = Buffer.from("good").toString("base64url");
    const r = ws(`base64url.bearer.authorization.k8s.io.${enc}, v4.channel.k8s.io`);
    expect(await auth.authenticateRequest(r)).toEqual(user("t"));
    expect(r.headers["sec-websocket-protocol"]).toBe("v4.channel.k8s.io");
    const alone = await auth.authenticateRequest(ws(`base64url.bearer.authorization.k8s.io.${enc}`));
    expect(!alone.authenticated && alone.error?.message).toBe("missing additional subprotocol");
    const garbled = await auth.authenticateRequest(ws("base64url.bearer.authorization.k8s.io.***, v4.channel.k8s.io"));
    expect(!garbled.authenticated && garbled.error?.message).toBe("invalid base64.bearer.authorization token encoding");
    expect(await auth.authenticateRequest(req({ "sec-websocket-protocol": `base64url.bearer.authorization.k8s.io.${enc}, x` }))).toEqual(none);
  });
});
