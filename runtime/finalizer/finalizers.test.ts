/** The Finalizers registry (controller-runtime's pkg/finalizer semantics), no server. */
import { describe, expect, it } from "vitest";
import type { KubeObject } from "../core/object.js";
import { FinalizeError, Finalizers } from "./index.js";

function obj(finalizers?: string[], deleting = false): KubeObject {
  return {
    apiVersion: "v1",
    kind: "ConfigMap",
    metadata: { name: "a", namespace: "ns", ...(finalizers ? { finalizers } : {}), ...(deleting ? { deletionTimestamp: "2024-01-01T00:00:00Z" } : {}) },
  };
}

describe("Finalizers", () => {
  it("refuses a name registered twice", () => {
    const f = new Finalizers();
    f.register("x.io/a", { finalize: () => ({}) });
    expect(() => f.register("x.io/a", { finalize: () => ({}) })).toThrow('finalizer for key "x.io/a" already registered');
    expect(f.names()).toEqual(["x.io/a"]);
  });

  it("adds missing finalizers to a live object without running them", async () => {
    let ran = 0;
    const f = new Finalizers();
    f.register("x.io/a", { finalize: () => (ran++, {}) });
    f.register("x.io/b", { finalize: () => (ran++, {}) });
    const o = obj(["x.io/b"]);
    expect(await f.finalize(o)).toEqual({ updated: true, statusUpdated: false });
    expect(o.metadata.finalizers).toEqual(["x.io/b", "x.io/a"]);
    expect(await f.finalize(o)).toEqual({ updated: false, statusUpdated: false });
    expect(ran).toBe(0);
  });

  it("runs and removes present finalizers on deletion, passing their results through", async () => {
    const calls: string[] = [];
    const f = new Finalizers();
    f.register("x.io/a", { finalize: () => (calls.push("a"), { statusUpdated: true }) });
    f.register("x.io/b", { finalize: () => (calls.push("b"), {}) });
    const o = obj(["x.io/a", "foreign"], true);
    expect(await f.finalize(o)).toEqual({ updated: true, statusUpdated: true });
    expect(calls).toEqual(["a"]);
    expect(o.metadata.finalizers).toEqual(["foreign"]);
  });

  it("keeps a failing finalizer, still runs the others, and aggregates the errors", async () => {
    const f = new Finalizers();
    f.register("x.io/a", {
      finalize: () => {
        throw new Error("external API down");
      },
    });
    f.register("x.io/b", { finalize: async () => ({}) });
    const o = obj(["x.io/a", "x.io/b"], true);
    const err = await f.finalize(o).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(FinalizeError);
    expect((err as FinalizeError).message).toBe('finalizer "x.io/a" failed: external API down');
    expect((err as FinalizeError).result).toEqual({ updated: true, statusUpdated: false });
    expect(o.metadata.finalizers).toEqual(["x.io/a"]);
  });
});
