import { describe, expect, it } from "vitest";
import { isLongRunning } from "./proxy.js";

const u = (p: string): URL => new URL(p, "http://localhost");

describe("long-running requests (no proxy timeout)", () => {
  it("are watches, upgrades and the streaming subresources", () => {
    expect(isLongRunning("GET", u("/apis/wardle.example.com/v1alpha1/namespaces/a/flunders?watch=true"), false)).toBe(true);
    expect(isLongRunning("GET", u("/apis/wardle.example.com/v1alpha1/namespaces/a/flunders?watch=1"), false)).toBe(true);
    expect(isLongRunning("GET", u("/apis/wardle.example.com/v1alpha1/watch/namespaces/a/flunders"), false)).toBe(true);
    expect(isLongRunning("GET", u("/apis/metrics.example.com/v1/namespaces/a/pods/p/log"), false)).toBe(true);
    expect(isLongRunning("POST", u("/apis/x.example.com/v1/namespaces/a/things/t/exec"), false)).toBe(true);
    expect(isLongRunning("GET", u("/apis/x.example.com/v1/namespaces/a/things/t"), true)).toBe(true);
  });

  it("exclude gets, lists and writes", () => {
    expect(isLongRunning("GET", u("/apis/wardle.example.com/v1alpha1/namespaces/a/flunders"), false)).toBe(false);
    expect(isLongRunning("GET", u("/apis/wardle.example.com/v1alpha1/namespaces/a/flunders?watch=false"), false)).toBe(false);
    expect(isLongRunning("POST", u("/apis/wardle.example.com/v1alpha1/namespaces/a/flunders"), false)).toBe(false);
    expect(isLongRunning("GET", u("/apis/wardle.example.com/v1alpha1"), false)).toBe(false);
  });
});
