/** waitForObject / waitForDeletion against the local control plane. */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Client, mergePatch } from "../client/index.js";
import type { KubeObject } from "../core/object.js";
import { startControlPlane, type RunningControlPlane } from "../testing/index.js";
import { waitForDeletion, waitForObject, WaitTimeoutError } from "./index.js";

interface ConfigMap extends KubeObject {
  data?: Record<string, string>;
}

let cp: RunningControlPlane;
let client: Client;
const NS = "wait";

beforeAll(async () => {
  cp = await startControlPlane();
  client = new Client(cp.kubeConfig, { qps: 0 });
  await client.create({ apiVersion: "v1", kind: "Namespace", metadata: { name: NS } });
});

afterAll(async () => {
  client?.close();
  await cp?.stop();
});

const ref = (name: string) => ({ apiVersion: "v1", kind: "ConfigMap", namespace: NS, name });

describe("waitForObject", () => {
  it("resolves immediately when the predicate already holds", async () => {
    await client.create({ apiVersion: "v1", kind: "ConfigMap", metadata: { name: "w0", namespace: NS }, data: { ready: "yes" } });
    const got = await waitForObject<ConfigMap>(client, ref("w0"), (o) => o.data?.["ready"] === "yes", { timeoutMs: 2000 });
    expect(got.metadata.name).toBe("w0");
  });

  it("resolves on a later update, with that version of the object", async () => {
    await client.create({ apiVersion: "v1", kind: "ConfigMap", metadata: { name: "w1", namespace: NS }, data: { ready: "no" } });
    const waiting = waitForObject<ConfigMap>(client, ref("w1"), (o) => o.data?.["ready"] === "yes", { timeoutMs: 5000 });
    await new Promise((r) => setTimeout(r, 100));
    await client.patch(ref("w1"), mergePatch({ data: { other: "x" } }));
    const updated = await client.patch<ConfigMap>(ref("w1"), mergePatch({ data: { ready: "yes" } }));
    const got = await waiting;
    expect(got.data).toEqual({ ready: "yes", other: "x" });
    expect(got.metadata.resourceVersion).toBe(updated.metadata.resourceVersion);
  });

  it("waits for an object that does not exist yet", async () => {
    const waiting = waitForObject(client, ref("w2"), () => true, { timeoutMs: 5000 });
    await new Promise((r) => setTimeout(r, 50));
    await client.create({ apiVersion: "v1", kind: "ConfigMap", metadata: { name: "w2", namespace: NS } });
    expect((await waiting).metadata.name).toBe("w2");
  });

  it("times out with WaitTimeoutError naming the object, and the last version seen", async () => {
    await client.create({ apiVersion: "v1", kind: "ConfigMap", metadata: { name: "w3", namespace: NS }, data: { ready: "no" } });
    const started = Date.now();
    const err = await waitForObject<ConfigMap>(client, ref("w3"), (o) => o.data?.["ready"] === "yes", { timeoutMs: 300 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(WaitTimeoutError);
    expect((err as Error).message).toBe("timed out after 300 ms waiting for ConfigMap wait/w3 to satisfy the predicate");
    expect(((err as WaitTimeoutError).last as ConfigMap).data).toEqual({ ready: "no" });
    expect(Date.now() - started).toBeLessThan(2000);
  });

  it("rejects with the caller's abort reason", async () => {
    const ac = new AbortController();
    setTimeout(() => ac.abort(new Error("shutting down")), 50);
    await expect(waitForObject(client, ref("never"), () => true, { signal: ac.signal })).rejects.toThrow("shutting down");
  });

  it("waitForDeletion resolves when the object is gone", async () => {
    await client.create({ apiVersion: "v1", kind: "ConfigMap", metadata: { name: "w4", namespace: NS, finalizers: ["x.example.com/hold"] } });
    const waiting = waitForDeletion(client, ref("w4"), { timeoutMs: 5000 });
    await client.delete(ref("w4"));
    await new Promise((r) => setTimeout(r, 50));
    await client.patch(ref("w4"), mergePatch({ metadata: { finalizers: null } }));
    await waiting;
    await waitForDeletion(client, ref("w4"), { timeoutMs: 1000 });
  });
});
