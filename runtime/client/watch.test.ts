/** Watch streams: events, selectors, bookmarks, abort, in-stream 410, and garbage from a broken server. */
import http, { type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { KubeConfig } from "@kubernetes/client-node";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { KubeObject } from "../core/object.js";
import { startControlPlane, type RunningControlPlane } from "../testing/index.js";
import { Client, ExpiredError, GoneError, StaticRESTMapper, TransportError, WatchDecodeError, decodeWatchLine, mergePatch, type WatchEvent } from "./index.js";

const CM = { apiVersion: "v1", kind: "ConfigMap" } as const;

interface ConfigMap extends KubeObject {
  data?: Record<string, string>;
}

let cp: RunningControlPlane;
let client: Client;

beforeAll(async () => {
  cp = await startControlPlane({ historyCapacity: 20, bookmarkIntervalMs: 100 });
  client = new Client(cp.kubeConfig, { qps: 0 });
});

afterAll(async () => {
  client?.close();
  await cp?.stop();
});

async function namespace(name: string): Promise<string> {
  await client.create({ apiVersion: "v1", kind: "Namespace", metadata: { name } });
  return name;
}

/** Collects events until `done` says so (or the stream ends). */
async function collect<T extends KubeObject>(it: AsyncIterable<WatchEvent<T>>, done: (evs: WatchEvent<T>[]) => boolean): Promise<WatchEvent<T>[]> {
  const out: WatchEvent<T>[] = [];
  for await (const ev of it) {
    out.push(ev);
    if (done(out)) break;
  }
  return out;
}

describe("watch against the local control plane", () => {
  it("yields ADDED, MODIFIED, DELETED with apiVersion/kind, from a list's resourceVersion", async () => {
    const ns = await namespace("w-events");
    await client.create({ ...CM, metadata: { name: "before", namespace: ns } });
    const list = await client.list(CM, { namespace: ns });
    const ac = new AbortController();
    const events = collect(client.watch<ConfigMap>(CM, { namespace: ns, resourceVersion: list.metadata.resourceVersion ?? "", signal: ac.signal }), (evs) => evs.length >= 3);
    await new Promise((r) => setTimeout(r, 50));
    const a = await client.create<ConfigMap>({ ...CM, metadata: { name: "a", namespace: ns }, data: { v: "1" } });
    await client.patch(a, mergePatch({ data: { v: "2" } }));
    await client.delete(a);
    const evs = await events;
    ac.abort();
    expect(evs.map((e) => `${e.type} ${e.object.metadata.name}`)).toEqual(["ADDED a", "MODIFIED a", "DELETED a"]);
    const mod = evs[1];
    expect(mod?.type === "MODIFIED" && mod.object.data).toEqual({ v: "2" });
    for (const e of evs) expect(e.object).toMatchObject({ apiVersion: "v1", kind: "ConfigMap" });
  });

  it("without a resourceVersion starts with ADDED for existing objects; selectors apply", async () => {
    const ns = await namespace("w-initial");
    await client.create({ ...CM, metadata: { name: "x", namespace: ns, labels: { pick: "yes" } } });
    await client.create({ ...CM, metadata: { name: "y", namespace: ns, labels: { pick: "no" } } });
    const evs = await collect(client.watch(CM, { namespace: ns, labelSelector: { matchLabels: { pick: "yes" } } }), (e) => e.length >= 1);
    expect(evs.map((e) => `${e.type} ${e.object.metadata.name}`)).toEqual(["ADDED x"]);
    const byField = await collect(client.watch(CM, { namespace: ns, fieldSelector: { "metadata.name": "y" } }), (e) => e.length >= 1);
    expect(byField.map((e) => e.object.metadata.name)).toEqual(["y"]);
  });

  it("bookmarks when asked for", async () => {
    const ns = await namespace("w-bookmark");
    const list = await client.list(CM, { namespace: ns });
    const evs = await collect(client.watch(CM, { namespace: ns, resourceVersion: list.metadata.resourceVersion ?? "", allowWatchBookmarks: true }), (e) => e.some((x) => x.type === "BOOKMARK"));
    const bm = evs.find((e) => e.type === "BOOKMARK");
    expect(bm?.object.metadata.resourceVersion).toMatch(/^\d+$/);
  });

  it("abort ends the iteration without an error and closes the connection", async () => {
    const ns = await namespace("w-abort");
    const server = cp.controlPlane.server;
    const orig = server.handle.bind(server);
    let serverSideClosed = false;
    server.handle = (req, res) => {
      if (req.url?.includes(`/namespaces/${ns}/configmaps?`)) res.on("close", () => (serverSideClosed = true));
      return orig(req, res);
    };
    const ac = new AbortController();
    const seen: string[] = [];
    const iter = (async () => {
      for await (const ev of client.watch(CM, { namespace: ns, signal: ac.signal })) seen.push(ev.type);
      return "ended";
    })();
    await new Promise((r) => setTimeout(r, 100));
    const t0 = Date.now();
    ac.abort();
    await expect(iter).resolves.toBe("ended");
    expect(Date.now() - t0).toBeLessThan(1000);
    expect(seen).toEqual([]);
    await waitUntil(() => serverSideClosed);
    server.handle = orig;
    // aborted before it starts: no request at all
    const before = client.transport.stats.requests;
    const pre = new AbortController();
    pre.abort();
    for await (const _ of client.watch(CM, { namespace: ns, signal: pre.signal })) throw new Error("no events expected");
    expect(client.transport.stats.requests).toBe(before);
  });

  it("breaking out of for-await closes the stream", async () => {
    const ns = await namespace("w-break");
    await client.create({ ...CM, metadata: { name: "one", namespace: ns } });
    const w = client.watch(CM, { namespace: ns });
    for await (const ev of w) {
      expect(ev.type).toBe("ADDED");
      break;
    }
    // the generator is finished
    await expect(w.next()).resolves.toEqual({ done: true, value: undefined });
  });

  it("an in-stream 410 ERROR event is thrown as ExpiredError", async () => {
    const ns = await namespace("w-expired");
    const first = await client.create({ ...CM, metadata: { name: "c0", namespace: ns } });
    for (let i = 1; i < 30; i++) await client.create({ ...CM, metadata: { name: `c${i}`, namespace: ns } });
    let thrown: unknown;
    const seen: WatchEvent[] = [];
    try {
      for await (const ev of client.watch(CM, { namespace: ns, resourceVersion: first.metadata.resourceVersion ?? "" })) seen.push(ev);
    } catch (err) {
      thrown = err;
    }
    expect(seen).toEqual([]);
    expect(thrown).toBeInstanceOf(ExpiredError);
    expect(thrown).toBeInstanceOf(GoneError);
    const e = thrown as ExpiredError;
    expect(e.code).toBe(410);
    expect(e.message).toMatch(/^too old resource version: \d+ \(\d+\)$/);
    expect(e.request?.path).toContain("watch=true");
  });
});

describe("watch against a broken server", () => {
  let server: http.Server;
  let url = "";
  let handler: (req: IncomingMessage, res: ServerResponse) => void = () => undefined;

  beforeAll(async () => {
    server = http.createServer((req, res) => handler(req, res));
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((r) => server.close(r));
  });

  function fake(): Client {
    const kc = new KubeConfig();
    kc.loadFromOptions({
      clusters: [{ name: "broken", server: url, skipTLSVerify: true }],
      users: [{ name: "u" }],
      contexts: [{ name: "broken", cluster: "broken", user: "u" }],
      currentContext: "broken",
    });
    const mapper = new StaticRESTMapper([
      { groupVersionKind: { group: "", version: "v1", kind: "ConfigMap" }, resource: { group: "", version: "v1", resource: "configmaps" }, namespaced: true, subresources: [] },
    ]);
    return new Client(kc, { qps: 0, restMapper: mapper });
  }

  const added = (name: string): string => JSON.stringify({ type: "ADDED", object: { metadata: { name, namespace: "n", resourceVersion: "1" } } });

  /** Serves `chunks` as a chunked watch response, then ends it (or leaves it open). */
  function serve(chunks: string[], end = true): void {
    handler = (_req, res) => {
      res.writeHead(200, { "Content-Type": "application/json", "Transfer-Encoding": "chunked" });
      for (const c of chunks) res.write(c);
      if (end) res.end();
    };
  }

  async function run(c: Client): Promise<{ events: WatchEvent[]; error: unknown }> {
    const events: WatchEvent[] = [];
    try {
      for await (const ev of c.watch(CM, { namespace: "n" })) events.push(ev);
    } catch (error) {
      return { events, error };
    }
    return { events, error: undefined };
  }

  it("a garbage line → WatchDecodeError carrying the line, after the good events before it", async () => {
    serve([`${added("a")}\n`, "this is not json\n", `${added("b")}\n`]);
    const c = fake();
    const { events, error } = await run(c);
    c.close();
    expect(events.map((e) => e.object.metadata.name)).toEqual(["a"]);
    expect(events[0]?.object.kind).toBe("ConfigMap"); // filled in from the mapping
    expect(error).toBeInstanceOf(WatchDecodeError);
    const e = error as WatchDecodeError;
    expect(e.line).toBe("this is not json");
    expect(e.message).toContain("/api/v1/namespaces/n/configmaps?watch=true");
  });

  it("lines split across chunks are reassembled; CRLF and blank lines are fine", async () => {
    const a = added("a");
    serve([a.slice(0, 10), `${a.slice(10)}\r\n`, "\n", `${added("b")}\n`]);
    const c = fake();
    const { events, error } = await run(c);
    c.close();
    expect(error).toBeUndefined();
    expect(events.map((e) => e.object.metadata.name)).toEqual(["a", "b"]);
  });

  it("valid JSON that is not a watch event, an unknown type, and an ERROR without a Status are decode errors", async () => {
    for (const bad of ['{"hello":"world"}', '{"type":"SURPRISE","object":{"metadata":{}}}', '{"type":"ERROR","object":{"message":"x"}}', '[1,2]']) {
      serve([`${bad}\n`]);
      const c = fake();
      const { error } = await run(c);
      c.close();
      expect(error, bad).toBeInstanceOf(WatchDecodeError);
      expect((error as WatchDecodeError).line).toBe(bad);
    }
  });

  it("a truncated last line → WatchDecodeError", async () => {
    serve([`${added("a")}\n`, added("b").slice(0, 20)]);
    const c = fake();
    const { events, error } = await run(c);
    c.close();
    expect(events).toHaveLength(1);
    expect(error).toBeInstanceOf(WatchDecodeError);
  });

  it("the connection dropping mid-stream → TransportError", async () => {
    handler = (_req, res) => {
      res.writeHead(200, { "Content-Type": "application/json", "Transfer-Encoding": "chunked" });
      res.write(`${added("a")}\n`);
      setTimeout(() => res.socket?.destroy(), 50);
    };
    const c = fake();
    const { events, error } = await run(c);
    c.close();
    expect(events).toHaveLength(1);
    expect(error).toBeInstanceOf(TransportError);
  });

  it("the server ending the stream ends the iteration", async () => {
    serve([`${added("a")}\n`]);
    const c = fake();
    const { events, error } = await run(c);
    c.close();
    expect(error).toBeUndefined();
    expect(events).toHaveLength(1);
  });

  it("an error status on the watch request itself is thrown typed", async () => {
    handler = (_req, res) => res.writeHead(403, { "Content-Type": "application/json" }).end(JSON.stringify({ kind: "Status", apiVersion: "v1", metadata: {}, status: "Failure", reason: "Forbidden", message: "no", code: 403 }));
    const c = fake();
    const { error } = await run(c);
    c.close();
    expect((error as { code?: number }).code).toBe(403);
  });
});

describe("decodeWatchLine", () => {
  it("decodes events and throws typed errors", () => {
    expect(decodeWatchLine('{"type":"DELETED","object":{"metadata":{"name":"x"}}}')).toEqual({ type: "DELETED", object: { metadata: { name: "x" } } });
    expect(() => decodeWatchLine('{"type":"ERROR","object":{"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure","reason":"Expired","message":"old","code":410}}')).toThrow(ExpiredError);
    expect(() => decodeWatchLine("{")).toThrow(WatchDecodeError);
  });
});

async function waitUntil(cond: () => boolean, timeoutMs = 5000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > end) throw new Error("condition not met in time");
    await new Promise((r) => setTimeout(r, 10));
  }
}
