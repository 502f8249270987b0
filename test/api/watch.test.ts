/** Watch semantics over HTTP: resourceVersion "", "0" and exact; bookmarks; sendInitialEvents; 410 Expired. */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startControlPlane, type RunningControlPlane } from "../../runtime/testing/index.js";
import { api, watchEvents } from "../support/http.js";

let cp: RunningControlPlane;

beforeAll(async () => {
  cp = await startControlPlane({ historyCapacity: 50, bookmarkIntervalMs: 200 });
});

afterAll(async () => {
  await cp?.stop();
});

async function ns(name: string): Promise<string> {
  const r = await api(cp, "POST", "/api/v1/namespaces", { body: { apiVersion: "v1", kind: "Namespace", metadata: { name } } });
  expect(r.status).toBe(201);
  return name;
}

async function put(n: string, name: string, v: string): Promise<string> {
  const r = await api(cp, "POST", `/api/v1/namespaces/${n}/configmaps`, { body: { apiVersion: "v1", kind: "ConfigMap", metadata: { name }, data: { v } } });
  expect(r.status).toBe(201);
  return (r.json as { metadata: { resourceVersion: string } }).metadata.resourceVersion;
}

describe("watch", () => {
  it('resourceVersion "" and "0" start with the current state as ADDED events', async () => {
    const n = await ns("w-initial");
    await put(n, "a", "1");
    await put(n, "b", "1");
    for (const rv of ["", "0"]) {
      const res = await watchEvents(cp, `/api/v1/namespaces/${n}/configmaps?watch=true&resourceVersion=${rv}`, (ev) => ev.length >= 2, 3000);
      expect(res.events.map((e) => `${e.type} ${e.object.metadata?.name}`)).toEqual(["ADDED a", "ADDED b"]);
    }
  });

  it("an exact resourceVersion replays only later changes, in order", async () => {
    const n = await ns("w-exact");
    const rv = await put(n, "a", "1");
    await put(n, "b", "1");
    await api(cp, "DELETE", `/api/v1/namespaces/${n}/configmaps/a`);
    const res = await watchEvents(cp, `/api/v1/namespaces/${n}/configmaps?watch=1&resourceVersion=${rv}`, (ev) => ev.length >= 2, 3000);
    expect(res.events.map((e) => `${e.type} ${e.object.metadata?.name}`)).toEqual(["ADDED b", "DELETED a"]);
  });

  it("sendInitialEvents ends the initial state with the initial-events-end bookmark", async () => {
    const n = await ns("w-sie");
    await put(n, "a", "1");
    const res = await watchEvents(
      cp,
      `/api/v1/namespaces/${n}/configmaps?watch=1&sendInitialEvents=true&resourceVersionMatch=NotOlderThan&allowWatchBookmarks=true`,
      (ev) => ev.some((e) => e.type === "BOOKMARK"),
      3000,
    );
    expect(res.events[0]?.type).toBe("ADDED");
    const bm = res.events.find((e) => e.type === "BOOKMARK");
    expect(bm?.object.kind).toBe("ConfigMap");
    expect(bm?.object.metadata?.annotations).toEqual({ "k8s.io/initial-events-end": "true" });
  });

  it("sendInitialEvents without resourceVersionMatch=NotOlderThan is rejected", async () => {
    const r = await api(cp, "GET", `/api/v1/configmaps?watch=1&sendInitialEvents=true`);
    expect(r.status).toBe(422);
    expect((r.json as { message: string }).message).toContain("sendInitialEvents requires setting resourceVersionMatch to NotOlderThan");
  });

  it("allowWatchBookmarks delivers periodic bookmarks with a resumable resourceVersion", async () => {
    const n = await ns("w-bookmarks");
    const rv = await put(n, "a", "1");
    const res = await watchEvents(cp, `/api/v1/namespaces/${n}/configmaps?watch=1&resourceVersion=${rv}&allowWatchBookmarks=true`, (ev) => ev.some((e) => e.type === "BOOKMARK"), 3000);
    const bm = res.events.find((e) => e.type === "BOOKMARK");
    expect(Number(bm?.object.metadata?.resourceVersion)).toBeGreaterThanOrEqual(Number(rv));
  });

  it("timeoutSeconds ends the stream", async () => {
    const started = Date.now();
    const res = await watchEvents(cp, `/api/v1/namespaces/default/configmaps?watch=1&timeoutSeconds=1`, () => false, 5000);
    expect(res.ended).toBe(true);
    expect(Date.now() - started).toBeGreaterThanOrEqual(900);
  });

  it("a resourceVersion older than the history is 410 Expired", async () => {
    const n = await ns("w-expired");
    const first = await put(n, "x0", "0");
    for (let i = 1; i <= 120; i++) await put(n, `x${i}`, "0");
    const res = await watchEvents(cp, `/api/v1/namespaces/${n}/configmaps?watch=1&resourceVersion=${first}`, (ev) => ev.length > 0, 3000);
    expect(res.status).toBe(200);
    expect(res.events[0]?.type).toBe("ERROR");
    expect(res.events[0]?.object).toMatchObject({ kind: "Status", code: 410, reason: "Expired" });
  });

  it("label and field selectors filter, and objects leaving the selection arrive as DELETED", async () => {
    const n = await ns("w-selectors");
    const list = await api(cp, "GET", `/api/v1/namespaces/${n}/configmaps`);
    const rv = (list.json as { metadata: { resourceVersion: string } }).metadata.resourceVersion;
    const w = watchEvents(cp, `/api/v1/namespaces/${n}/configmaps?watch=1&resourceVersion=${rv}&labelSelector=app%3Dweb`, (ev) => ev.length >= 3, 5000);
    await api(cp, "POST", `/api/v1/namespaces/${n}/configmaps`, { body: { metadata: { name: "other" } } });
    await api(cp, "POST", `/api/v1/namespaces/${n}/configmaps`, { body: { metadata: { name: "web", labels: { app: "web" } } } });
    await api(cp, "PATCH", `/api/v1/namespaces/${n}/configmaps/web`, { body: { data: { k: "v" } }, contentType: "application/merge-patch+json" });
    await api(cp, "PATCH", `/api/v1/namespaces/${n}/configmaps/web`, { body: { metadata: { labels: { app: "db" } } }, contentType: "application/merge-patch+json" });
    const res = await w;
    expect(res.events.map((e) => `${e.type} ${e.object.metadata?.name}`)).toEqual(["ADDED web", "MODIFIED web", "DELETED web"]);
  });
});
