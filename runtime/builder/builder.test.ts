import { afterEach, describe, expect, it } from "vitest";
import { Cache, FakeListerWatcherProvider, silentLogger as cacheSilent } from "../cache/index.js";
import type { KubeObject } from "../core/object.js";
import type { Runnable } from "../controller/index.js";
import { enqueueRequestsFromMapFunc } from "../handler/index.js";
import { newPredicateFuncs } from "../predicate/index.js";
import { reconcilerFunc, silentLogger, type Request } from "../reconcile/index.js";
import { channel, GenericEventChannel } from "../source/index.js";
import { controllerManagedBy, type ManagerLike } from "./index.js";

const cmType = { apiVersion: "v1", kind: "ConfigMap" };
const secretType = { apiVersion: "v1", kind: "Secret" };
const stops: AbortController[] = [];
afterEach(() => {
  for (const s of stops.splice(0)) s.abort();
});
const until = async (cond: () => boolean, ms = 3000): Promise<void> => {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error("condition not met in time");
    await new Promise((r) => setTimeout(r, 5));
  }
};

function fakeManager() {
  const provider = new FakeListerWatcherProvider();
  const cms = provider.serve({ group: "", version: "v1", kind: "ConfigMap" });
  const secrets = provider.serve({ group: "", version: "v1", kind: "Secret" });
  const cache = new Cache({ provider, logger: cacheSilent });
  const runnables: Runnable[] = [];
  const mgr: ManagerLike = { client: { mapping: async () => ({ namespaced: true }) }, cache, add: (r) => void runnables.push(r), logger: silentLogger };
  const start = () => {
    const stop = new AbortController();
    stops.push(stop);
    void cache.start(stop.signal);
    for (const r of runnables) void r.start(stop.signal);
  };
  return { mgr, cms, secrets, runnables, start };
}

const cm = (name: string, labels: Record<string, string> = {}): KubeObject => ({ apiVersion: "v1", kind: "ConfigMap", metadata: { name, namespace: "ns", labels } });
const secret = (name: string, owner: string, controller = true): KubeObject => ({
  apiVersion: "v1",
  kind: "Secret",
  metadata: { name, namespace: "ns", ownerReferences: [{ apiVersion: "v1", kind: "ConfigMap", name: owner, uid: "u", controller }] },
});

describe("ControllerBuilder", () => {
  it("for(ConfigMap).owns(Secret): owner, filters and channels reach the reconciler", async () => {
    const f = fakeManager();
    const seen: string[] = [];
    const ch = new GenericEventChannel();
    controllerManagedBy(f.mgr)
      .for(cmType)
      .owns(secretType)
      .watches(channel(ch, enqueueRequestsFromMapFunc((o) => [{ namespace: "ns", name: `from-${o.metadata.name}` }])))
      .withEventFilter(newPredicateFuncs((o) => o.metadata.labels?.["skip"] !== "true"))
      .complete(reconcilerFunc(async (_ctx, req) => void seen.push(`${req.namespace}/${req.name}`)));
    f.cms.create(cm("a"));
    f.start();
    await until(() => seen.includes("ns/a"));
    f.secrets.create(secret("s1", "owner1"));
    f.secrets.create(secret("s2", "not-controller", false));
    f.cms.create(cm("skipped", { skip: "true" }));
    ch.send(cm("x"));
    await until(() => seen.includes("ns/owner1") && seen.includes("ns/from-x"));
    await new Promise((r) => setTimeout(r, 30));
    expect(seen).not.toContain("ns/not-controller");
    expect(seen).not.toContain("ns/skipped");
    expect(seen).not.toContain("ns/s1");
  });

  it("reports wiring errors from complete", () => {
    const f = fakeManager();
    const r = reconcilerFunc(async () => {});
    expect(() => controllerManagedBy(f.mgr).owns(secretType).named("x").complete(r)).toThrow(/owns\(\) can only be used together with for\(\)/);
    expect(() => controllerManagedBy(f.mgr).for(cmType).for(secretType).complete(r)).toThrow(/only be called once/);
    expect(() => controllerManagedBy(f.mgr).complete(r)).toThrow(/one of for\(\) or named\(\)/);
    expect(() => controllerManagedBy(f.mgr).watches(cmType).named("w").complete(r)).toThrow(/needs an event handler/);
    controllerManagedBy(f.mgr).for(cmType).complete(r);
    expect(() => controllerManagedBy(f.mgr).for(cmType).complete(r)).toThrow(/controller with name configmap already exists/);
    expect(controllerManagedBy(f.mgr).for(cmType).withOptions({ skipNameValidation: true }).complete(r).name).toBe("configmap");
    expect(controllerManagedBy(f.mgr).named("custom").watches(cmType, enqueueRequestsFromMapFunc(() => [])).complete(r).name).toBe("custom");
    // another manager has its own names
    expect(controllerManagedBy(fakeManager().mgr).for(cmType).complete(r).name).toBe("configmap");
  });
});
