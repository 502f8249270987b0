/** createOrUpdate / createOrPatch / retryOnConflict against the local control plane. */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Client, isConflict } from "../client/index.js";
import type { KubeObject } from "../core/object.js";
import { startControlPlane, type RunningControlPlane } from "../testing/index.js";
import { createOrPatch, createOrUpdate, defaultRetry, MutateKeyChangedError, retryOnConflict, setControllerReference } from "./index.js";

interface ConfigMap extends KubeObject {
  data?: Record<string, string>;
}
interface Deployment extends KubeObject {
  spec?: Record<string, unknown>;
  status?: { observedGeneration?: number; replicas?: number };
}

let cp: RunningControlPlane;
let client: Client;
const NS = "cou";

beforeAll(async () => {
  cp = await startControlPlane();
  client = new Client(cp.kubeConfig, { qps: 0, fieldManager: "controllerutil-test" });
  await client.create({ apiVersion: "v1", kind: "Namespace", metadata: { name: NS } });
});

afterAll(async () => {
  client?.close();
  await cp?.stop();
});

const cm = (name: string): ConfigMap => ({ apiVersion: "v1", kind: "ConfigMap", metadata: { name, namespace: NS } });

function deployment(name: string): Deployment {
  return { apiVersion: "apps/v1", kind: "Deployment", metadata: { name, namespace: NS } };
}

/** Sets only the fields we own, so that server defaults (imagePullPolicy, ...) do not read as changes. */
function desiredDeployment(d: Deployment, replicas: number): void {
  const app = d.metadata.name ?? "";
  d.spec ??= {
    selector: { matchLabels: { app } },
    template: { metadata: { labels: { app } }, spec: { containers: [{ name: "c", image: "nginx" }] } },
  };
  d.spec["replicas"] = replicas;
}

describe("createOrUpdate", () => {
  it("creates, then updates only on change, else reports unchanged", async () => {
    const obj = cm("cou-1");
    expect(await createOrUpdate(client, obj, (o) => void (o.data = { a: "1" }))).toBe("created");
    expect(obj.metadata.uid).toBeTruthy();
    const rv1 = obj.metadata.resourceVersion;

    const again = cm("cou-1");
    expect(await createOrUpdate(client, again, (o) => void (o.data = { a: "1" }))).toBe("unchanged");
    expect(again.metadata.resourceVersion).toBe(rv1);

    const changed = cm("cou-1");
    expect(await createOrUpdate(client, changed, (o) => void (o.data = { ...o.data, b: "2" }))).toBe("updated");
    expect(changed.metadata.resourceVersion).not.toBe(rv1);
    expect((await client.get<ConfigMap>(cm("cou-1"))).data).toEqual({ a: "1", b: "2" });
  });

  it("treats fields set to undefined as absent", async () => {
    const obj = cm("cou-undef");
    await createOrUpdate(client, obj, (o) => void (o.data = { a: "1" }));
    expect(await createOrUpdate(client, cm("cou-undef"), (o) => void (o.metadata.labels = undefined))).toBe("unchanged");
  });

  it("refuses a mutate that renames the object, writing nothing", async () => {
    const err = await createOrUpdate(client, cm("cou-rename"), (o) => void (o.metadata.name = "other")).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(MutateKeyChangedError);
    await expect(client.get(cm("other"))).rejects.toMatchObject({ code: 404 });
    await expect(client.get(cm("cou-rename"))).rejects.toMatchObject({ code: 404 });

    await createOrUpdate(client, cm("cou-rename"), (o) => void (o.data = {}));
    const err2 = await createOrUpdate(client, cm("cou-rename"), (o) => void (o.metadata.namespace = "default")).catch((e: unknown) => e);
    expect(err2).toBeInstanceOf(MutateKeyChangedError);
  });

  it("sets a controller reference that survives the round trip", async () => {
    const owner = cm("cou-owner");
    await createOrUpdate(client, owner, () => {});
    const child = cm("cou-child");
    expect(await createOrUpdate(client, child, (o) => setControllerReference(owner, o))).toBe("created");
    expect(child.metadata.ownerReferences).toEqual([{ apiVersion: "v1", kind: "ConfigMap", name: "cou-owner", uid: owner.metadata.uid, controller: true, blockOwnerDeletion: true }]);
    expect(await createOrUpdate(client, cm("cou-child"), (o) => setControllerReference(owner, o))).toBe("unchanged");
  });
});

describe("createOrPatch", () => {
  it("creates, patches only on change, else reports unchanged", async () => {
    const obj = cm("cop-1");
    expect(await createOrPatch(client, obj, (o) => void (o.data = { a: "1", b: "2" }))).toBe("created");
    expect(await createOrPatch(client, cm("cop-1"), (o) => void (o.data = { a: "1", b: "2" }))).toBe("unchanged");
    const p = cm("cop-1");
    expect(
      await createOrPatch(client, p, (o) => {
        o.data = { a: "1" }; // b removed → null in the merge patch
        o.metadata.labels = { x: "y" };
      }),
    ).toBe("patched");
    expect(p.data).toEqual({ a: "1" });
    const server = await client.get<ConfigMap>(cm("cop-1"));
    expect(server.data).toEqual({ a: "1" });
    expect(server.metadata.labels).toEqual({ x: "y" });
  });

  it("patches spec and status (through the status subresource) of a kind that has one", async () => {
    const d = deployment("cop-dep");
    expect(await createOrPatch(client, d, (o) => desiredDeployment(o, 1))).toBe("created");
    expect(await createOrPatch(client, deployment("cop-dep"), (o) => desiredDeployment(o, 1))).toBe("unchanged");

    const d2 = deployment("cop-dep");
    expect(
      await createOrPatch(client, d2, (o) => {
        desiredDeployment(o, 2);
        o.status = { ...(o.status ?? {}), observedGeneration: 7 };
      }),
    ).toBe("patched");
    const server = await client.get<Deployment>(deployment("cop-dep"));
    expect(server.spec?.replicas).toBe(2);
    expect(server.status?.observedGeneration).toBe(7);
    expect(d2.status?.observedGeneration).toBe(7);

    // status only
    expect(await createOrPatch(client, deployment("cop-dep"), (o) => void (o.status = { ...(o.status ?? {}), observedGeneration: 8 }))).toBe("patched");
    expect((await client.get<Deployment>(deployment("cop-dep"))).status?.observedGeneration).toBe(8);
  });
});

describe("retryOnConflict", () => {
  it("makes concurrent read-modify-write increments all land", async () => {
    await client.create({ ...cm("counter"), data: { n: "0" } });
    const increment = () =>
      retryOnConflict({ ...defaultRetry, steps: 50 }, async () => {
        const c = await client.get<ConfigMap>(cm("counter"));
        c.data = { n: String(Number(c.data?.n ?? "0") + 1) };
        await client.update(c);
      });
    await Promise.all(Array.from({ length: 8 }, increment));
    expect((await client.get<ConfigMap>(cm("counter"))).data?.n).toBe("8");
  });

  it("surfaces the conflict when the tries run out", async () => {
    await client.create({ ...cm("stale"), data: { n: "0" } });
    const stale = await client.get<ConfigMap>(cm("stale"));
    await client.update({ ...stale, data: { n: "1" } });
    const err = await retryOnConflict(defaultRetry, () => client.update({ ...stale, data: { n: "2" } })).catch((e: unknown) => e);
    expect(isConflict(err)).toBe(true);
  });
});
