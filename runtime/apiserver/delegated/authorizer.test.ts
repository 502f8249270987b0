/** The always-allow authorizers and how a union of authorizers decides. */
import { describe, expect, it } from "vitest";
import type { AuthorizationAttributes } from "../authorization.js";
import { pathAuthorizer, privilegedGroupsAuthorizer, toAuthorize, unionAuthorizer, type Authorizer, type AuthorizerResult } from "./authorizer.js";

const nonResource = (path: string, groups: string[] = []): AuthorizationAttributes => ({
  user: { username: "u", groups },
  verb: "get",
  isResourceRequest: false,
  path,
  namespace: "",
  apiGroup: "",
  apiVersion: "",
  resource: "",
  subresource: "",
  name: "",
});
const fixed = (r: AuthorizerResult): Authorizer => ({ authorize: async () => r });

describe("authorizers", () => {
  it("always allow the listed paths: exact ones, and prefixes ending in *", async () => {
    const a = pathAuthorizer(["/healthz", "/readyz", "/livez", "/metrics/*"]);
    expect((await a.authorize(nonResource("/healthz"))).decision).toBe("Allow");
    expect((await a.authorize(nonResource("/healthz/ping"))).decision).toBe("NoOpinion");
    expect((await a.authorize(nonResource("/metrics/slis"))).decision).toBe("Allow");
    expect((await a.authorize({ ...nonResource("/healthz"), isResourceRequest: true })).decision).toBe("NoOpinion");
    expect((await pathAuthorizer(["/"]).authorize(nonResource("/"))).decision).toBe("Allow");
    expect(() => pathAuthorizer(["/a*b"])).toThrow('only trailing * allowed in "a*b"');
  });

  it("always allow privileged groups", async () => {
    const a = privilegedGroupsAuthorizer(["system:masters"]);
    expect((await a.authorize(nonResource("/x", ["system:masters"]))).decision).toBe("Allow");
    expect((await a.authorize(nonResource("/x", ["system:authenticated"]))).decision).toBe("NoOpinion");
  });

  it("a union stops at the first allow or deny and otherwise joins the reasons", async () => {
    const u = unionAuthorizer([fixed({ decision: "NoOpinion", reason: "first" }), fixed({ decision: "Deny", reason: "no" }), fixed({ decision: "Allow", reason: "" })]);
    expect(await u.authorize(nonResource("/x"))).toEqual({ decision: "Deny", reason: "no" });
    const all = unionAuthorizer([fixed({ decision: "NoOpinion", reason: "a" }), fixed({ decision: "NoOpinion", reason: "" }), fixed({ decision: "NoOpinion", reason: "b" })]);
    expect(await all.authorize(nonResource("/x"))).toEqual({ decision: "NoOpinion", reason: "a\nb" });
  });

  it("the filter: allow passes (even with an error), an error otherwise is a 500, no opinion is a denial", async () => {
    const err = new Error("unreachable");
    expect(await toAuthorize(fixed({ decision: "Allow", reason: "ok", error: err }))(nonResource("/x"))).toEqual({ allowed: true, reason: "ok" });
    expect(await toAuthorize(fixed({ decision: "NoOpinion", reason: "why" }))(nonResource("/x"))).toEqual({ allowed: false, reason: "why" });
    await expect(Promise.resolve(toAuthorize(fixed({ decision: "NoOpinion", reason: "", error: err }))(nonResource("/x")))).rejects.toMatchObject({
      status: { code: 500, reason: "InternalError", message: 'Internal Server Error: "/x": unreachable' },
    });
  });
});
