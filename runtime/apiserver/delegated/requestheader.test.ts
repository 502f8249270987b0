/** How the front-proxy headers are read and removed (headerrequest's parsing rules). */
import type { IncomingMessage } from "node:http";
import { describe, expect, it } from "vitest";
import { clearAuthenticationHeaders, requestHeaderAuthenticator, userFromHeaders, type RequestHeaderConfig } from "./requestheader.js";

const cfg: RequestHeaderConfig = {
  clientCA: undefined,
  allowedNames: [],
  usernameHeaders: ["X-Remote-User", "X-Other-User"],
  uidHeaders: ["X-Remote-Uid"],
  groupHeaders: ["X-Remote-Group", "X-Other-Group"],
  extraHeaderPrefixes: ["X-Remote-Extra-", "X-Other-Extra-"],
};

/** A request as node parses it: raw header lines, and the joined `headers` object. */
function req(lines: [string, string][]): IncomingMessage {
  const headers: Record<string, string> = {};
  for (const [k, v] of lines) {
    const n = k.toLowerCase();
    headers[n] = headers[n] === undefined ? v : `${headers[n]}, ${v}`;
  }
  return { rawHeaders: lines.flat(), headers, url: "/" } as unknown as IncomingMessage;
}

describe("request-header parsing", () => {
  it("takes the first username header with a value, in configured order, case-insensitively", () => {
    expect(userFromHeaders(req([["x-other-user", "b"], ["X-REMOTE-USER", "a"]]), cfg)?.username).toBe("a");
    expect(userFromHeaders(req([["X-Remote-User", ""], ["X-Other-User", "b"]]), cfg)?.username).toBe("b");
    // only the first value of a header counts (Go's Header.Get)
    expect(userFromHeaders(req([["X-Remote-User", "a"], ["X-Remote-User", "z"]]), cfg)?.username).toBe("a");
    expect(userFromHeaders(req([["X-Remote-Group", "g"]]), cfg)).toBeUndefined();
  });

  it("collects every non-empty value of every group header, as sent (no comma splitting)", () => {
    const u = userFromHeaders(req([["X-Remote-User", "a"], ["X-Remote-Group", "one"], ["x-remote-group", ""], ["X-Remote-Group", "two, three"], ["X-Other-Group", "four"]]), cfg);
    expect(u?.groups).toEqual(["one", "two, three", "four"]);
  });

  it("reads extra keys from the prefixed headers: lower-cased and percent-decoded, every value kept", () => {
    const u = userFromHeaders(
      req([
        ["X-Remote-User", "a"],
        ["X-Remote-Extra-Acme.com%2FProject", "p1"],
        ["X-Remote-Extra-acme.com%2fproject", "p2"],
        ["X-Other-Extra-Scopes", "s"],
        ["X-Remote-Extra-Bad%zz", "raw"],
      ]),
      cfg,
    );
    expect(u?.extra).toEqual({ "acme.com/project": ["p1", "p2"], scopes: ["s"], "bad%zz": ["raw"] });
  });

  it("reads the uid header", () => {
    expect(userFromHeaders(req([["X-Remote-User", "a"], ["X-Remote-Uid", "42"]]), cfg)).toEqual({ username: "a", uid: "42", groups: [], extra: {} });
  });

  it("removes the configured headers from the request, and nothing else", () => {
    const r = req([["X-Remote-User", "a"], ["X-Remote-Group", "g"], ["X-Other-Extra-K", "v"], ["X-Remote-Uid", "1"], ["Accept", "application/json"], ["X-Remote-Userx", "kept"]]);
    clearAuthenticationHeaders(r, cfg);
    expect(r.headers).toEqual({ accept: "application/json", "x-remote-userx": "kept" });
    expect(r.rawHeaders).toEqual(["Accept", "application/json", "X-Remote-Userx", "kept"]);
  });

  it("does not apply without a request-header CA or without a client certificate", async () => {
    const headers = req([["X-Remote-User", "system:admin"]]);
    expect(await requestHeaderAuthenticator(() => cfg).authenticateRequest(headers)).toEqual({ authenticated: false });
    expect(await requestHeaderAuthenticator(() => undefined).authenticateRequest(headers)).toEqual({ authenticated: false });
  });
});
