import { describe, expect, it } from "vitest";
import { isTerminalError, isZeroResult, reconcilerFunc, requestFor, requestKey, TerminalError } from "./index.js";
import { jsonLogger } from "./index.js";

describe("reconcile", () => {
  it("TerminalError wraps a cause or a message and is found through cause chains", () => {
    const cause = new Error("spec invalid");
    const t = new TerminalError(cause);
    expect(t.message).toBe("terminal error: spec invalid");
    expect(t.cause).toBe(cause);
    expect(new TerminalError("bad").message).toBe("terminal error: bad");
    expect(isTerminalError(t)).toBe(true);
    expect(isTerminalError(new Error("outer", { cause: t }))).toBe(true);
    expect(isTerminalError(new Error("plain"))).toBe(false);
    expect(isTerminalError("string")).toBe(false);
    const loop = new Error("loop") as Error & { cause?: unknown };
    loop.cause = loop;
    expect(isTerminalError(loop)).toBe(false);
  });

  it("keys and results", async () => {
    expect(requestKey({ namespace: "ns", name: "a" })).toBe("ns/a");
    expect(requestKey({ namespace: "", name: "node1" })).toBe("node1");
    expect(requestFor({ metadata: { name: "x" } })).toEqual({ namespace: "", name: "x" });
    expect(isZeroResult(undefined)).toBe(true);
    expect(isZeroResult({})).toBe(true);
    expect(isZeroResult({ requeueAfter: 0 })).toBe(true);
    expect(isZeroResult({ requeue: true })).toBe(false);
    expect(isZeroResult({ requeueAfter: 5 })).toBe(false);
    const r = reconcilerFunc(async (_ctx, req) => ({ requeueAfter: req.name.length }));
    expect(await r.reconcile({ signal: new AbortController().signal, log: jsonLogger({ write: () => {} }), reconcileID: "x" }, { namespace: "", name: "abc" })).toEqual({ requeueAfter: 3 });
  });

  it("jsonLogger writes JSON lines with fields, respects the level, never throws", () => {
    const lines: string[] = [];
    const log = jsonLogger({ write: (l) => lines.push(l) }).withValues({ controller: "c" });
    log.debug("hidden");
    log.info("hello", { n: 1 });
    log.error("failed", new TypeError("boom"), { big: 1n });
    expect(lines).toHaveLength(2);
    const a = JSON.parse(lines[0] ?? "") as Record<string, unknown>;
    expect(a).toMatchObject({ level: "info", msg: "hello", controller: "c", n: 1 });
    const b = JSON.parse(lines[1] ?? "") as Record<string, unknown>;
    expect(b).toMatchObject({ level: "error", msg: "failed", error: "TypeError: boom", big: "1" });
    const cyclic: Record<string, unknown> = {};
    cyclic["self"] = cyclic;
    expect(() => log.info("cyclic", { cyclic })).not.toThrow();
    expect(jsonLogger({ write: () => { throw new Error("x"); } }).info("x")).toBeUndefined();
  });
});
