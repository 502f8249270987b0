/** withFinalizer against the local control plane: add, apply, cleanup before deletion, failures, conflicts. */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Client, isNotFound, mergePatch } from "../client/index.js";
import type { KubeObject } from "../core/object.js";
import { startControlPlane, type RunningControlPlane } from "../testing/index.js";
import { FinalizerError, withFinalizer } from "./index.js";

let cp: RunningControlPlane;
let client: Client;
const NS = "fin";
const F = "test.kubeforge.dev/cleanup";

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
const create = (name: string) => client.create({ apiVersion: "v1", kind: "ConfigMap", metadata: { name, namespace: NS }, data: { a: "1" } });

describe("withFinalizer", () => {
  it("adds the finalizer first, then applies, then cleans up before the object goes away", async () => {
    const log: string[] = [];
    const handlers = {
      apply: (o: KubeObject) => (log.push(`apply ${o.metadata.name}`), "applied-result"),
      cleanup: async (o: KubeObject) => {
        // the object must still exist while cleanup runs
        const live = await client.get(ref(o.metadata.name ?? ""));
        log.push(`cleanup ${live.metadata.deletionTimestamp ? "terminating" : "live"}`);
        return "cleanup-result";
      },
    };
    await create("f1");

    const first = await withFinalizer(client, await client.get(ref("f1")), F, handlers);
    expect(first.action).toBe("finalizerAdded");
    expect(log).toEqual([]);
    expect((await client.get(ref("f1"))).metadata.finalizers).toEqual([F]);

    const second = await withFinalizer(client, await client.get(ref("f1")), F, handlers);
    expect(second).toMatchObject({ action: "applied", result: "applied-result" });

    await client.delete(ref("f1"));
    const terminating = await client.get(ref("f1"));
    expect(terminating.metadata.deletionTimestamp).toBeTruthy();

    const third = await withFinalizer(client, terminating, F, handlers);
    expect(third).toMatchObject({ action: "cleanedUp", result: "cleanup-result" });
    expect(log).toEqual(["apply f1", "cleanup terminating"]);
    await expect(client.get(ref("f1"))).rejects.toSatisfy(isNotFound);
  });

  it("keeps the finalizer (and the object) when cleanup fails", async () => {
    await create("f2");
    await withFinalizer(client, await client.get(ref("f2")), F, { apply: () => 0, cleanup: () => 0 });
    await client.delete(ref("f2"));
    const err = await withFinalizer(client, await client.get(ref("f2")), F, {
      apply: () => 0,
      cleanup: () => {
        throw new Error("bucket not empty");
      },
    }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(FinalizerError);
    expect((err as FinalizerError).kind).toBe("CleanupFailed");
    expect((err as Error).message).toContain("bucket not empty");
    const still = await client.get(ref("f2"));
    expect(still.metadata.finalizers).toEqual([F]);
    expect(still.metadata.deletionTimestamp).toBeTruthy();

    // a later successful cleanup lets it go
    const out = await withFinalizer(client, still, F, { apply: () => 0, cleanup: () => 1 });
    expect(out.action).toBe("cleanedUp");
    await expect(client.get(ref("f2"))).rejects.toSatisfy(isNotFound);
  });

  it("does not overwrite a finalizer someone else added concurrently (resourceVersion precondition + retry)", async () => {
    await create("f3");
    const stale = await client.get(ref("f3"));
    await client.patch(ref("f3"), mergePatch({ metadata: { finalizers: ["other.example.com/keep"] } }));
    const out = await withFinalizer(client, stale, F, { apply: () => 0, cleanup: () => 0 });
    expect(out.action).toBe("finalizerAdded");
    expect((await client.get(ref("f3"))).metadata.finalizers).toEqual(["other.example.com/keep", F]);

    // removal with a stale copy keeps the other finalizer too
    await client.delete(ref("f3"));
    const terminating = await client.get(ref("f3"));
    await client.patch(ref("f3"), mergePatch({ metadata: { labels: { touched: "yes" } } }));
    const done = await withFinalizer(client, terminating, F, { apply: () => 0, cleanup: () => 0 });
    expect(done.action).toBe("cleanedUp");
    const left = await client.get(ref("f3"));
    expect(left.metadata.finalizers).toEqual(["other.example.com/keep"]);
    await client.patch(ref("f3"), mergePatch({ metadata: { finalizers: null } }));
  });

  it("skips an object being deleted without our finalizer", async () => {
    await create("f4");
    await client.patch(ref("f4"), mergePatch({ metadata: { finalizers: ["other.example.com/hold"] } }));
    await client.delete(ref("f4"));
    let ran = false;
    const out = await withFinalizer(client, await client.get(ref("f4")), F, { apply: () => (ran = true), cleanup: () => (ran = true) });
    expect(out.action).toBe("skipped");
    expect(ran).toBe(false);
    await client.patch(ref("f4"), mergePatch({ metadata: { finalizers: null } }));
  });

  it("reports bad input", async () => {
    const noName = { apiVersion: "v1", kind: "ConfigMap", metadata: { namespace: NS } };
    await expect(withFinalizer(client, noName, F, { apply: () => 0, cleanup: () => 0 })).rejects.toMatchObject({ kind: "UnnamedObject" });
    await create("f5");
    await expect(withFinalizer(client, await client.get(ref("f5")), "not/a/name", { apply: () => 0, cleanup: () => 0 })).rejects.toMatchObject({
      kind: "InvalidFinalizer",
    });
  });
});
