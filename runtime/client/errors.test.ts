/**
 * Error mapping: every class from real responses of the local control plane where it can produce them, the
 * rest (401, 429, 500, non-Status bodies, retries, transport and decode failures) from a tiny local HTTP server.
 */
import http, { type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { KubeConfig } from "@kubernetes/client-node";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { newNotFound, StatusError } from "../core/errors.js";
import type { KubeObject } from "../core/object.js";
import { startControlPlane, type RunningControlPlane } from "../testing/index.js";
import {
  AlreadyExistsError,
  ApiError,
  apiErrorFromStatus,
  BadRequestError,
  Client,
  ConflictError,
  DecodeError,
  ExpiredError,
  ForbiddenError,
  GoneError,
  InternalError,
  InvalidError,
  isAlreadyExists,
  isBadRequest,
  isConflict,
  isForbidden,
  isGone,
  isInternalError,
  isInvalid,
  isMethodNotSupported,
  isNotFound,
  isResourceExpired,
  isServiceUnavailable,
  isTimeout,
  isTooManyRequests,
  isTransportError,
  isUnauthorized,
  MethodNotAllowedError,
  NotFoundError,
  RequestEntityTooLargeError,
  ServiceUnavailableError,
  StaticRESTMapper,
  TimeoutError,
  TooManyRequestsError,
  TransportError,
  UnauthorizedError,
} from "./index.js";

const CM = { apiVersion: "v1", kind: "ConfigMap" } as const;

let cp: RunningControlPlane;
let client: Client;

beforeAll(async () => {
  cp = await startControlPlane();
  client = new Client(cp.kubeConfig, { qps: 0 });
  await client.create({ apiVersion: "v1", kind: "Namespace", metadata: { name: "errs" } });
});

afterAll(async () => {
  client?.close();
  await cp?.stop();
});

async function caught(p: Promise<unknown>): Promise<unknown> {
  try {
    await p;
  } catch (err) {
    return err;
  }
  throw new Error("expected the promise to reject");
}

describe("errors from the local control plane", () => {
  it("404 NotFoundError", async () => {
    const err = await caught(client.get({ ...CM, namespace: "errs", name: "nope" }));
    expect(err).toBeInstanceOf(NotFoundError);
    expect(err).toBeInstanceOf(ApiError);
    expect(err).toBeInstanceOf(StatusError); // core's class: server-side helpers work on client errors
    const e = err as NotFoundError;
    expect(e.code).toBe(404);
    expect(e.reason).toBe("NotFound");
    expect(e.message).toBe('configmaps "nope" not found');
    expect(e.status.details).toMatchObject({ name: "nope", kind: "configmaps" });
    expect(e.request).toEqual({ method: "GET", path: "/api/v1/namespaces/errs/configmaps/nope" });
    expect(e.name).toBe("NotFoundError");
    expect(isNotFound(e)).toBe(true);
    expect(isConflict(e)).toBe(false);
  });

  it("409 AlreadyExistsError", async () => {
    await client.create({ ...CM, metadata: { name: "dup", namespace: "errs" } });
    const err = await caught(client.create({ ...CM, metadata: { name: "dup", namespace: "errs" } }));
    expect(err).toBeInstanceOf(AlreadyExistsError);
    expect((err as AlreadyExistsError).code).toBe(409);
    expect((err as Error).message).toBe('configmaps "dup" already exists');
    expect(isAlreadyExists(err)).toBe(true);
    expect(isConflict(err)).toBe(false);
  });

  it("409 ConflictError on a stale resourceVersion", async () => {
    const obj = await client.create<KubeObject>({ ...CM, metadata: { name: "cas", namespace: "errs" }, data: { v: "1" } });
    await client.update({ ...obj, data: { v: "2" } });
    const err = await caught(client.update({ ...obj, data: { v: "3" } }));
    expect(err).toBeInstanceOf(ConflictError);
    expect((err as ConflictError).message).toBe('Operation cannot be fulfilled on configmaps "cas": the object has been modified; please apply your changes to the latest version and try again');
    expect(isConflict(err)).toBe(true);
  });

  it("422 InvalidError with causes", async () => {
    const err = await caught(client.create({ ...CM, metadata: { name: "Bad_Name", namespace: "errs" }, data: { "bad key!": "x" } }));
    expect(err).toBeInstanceOf(InvalidError);
    const e = err as InvalidError;
    expect(e.code).toBe(422);
    expect(e.message).toMatch(/^ConfigMap "Bad_Name" is invalid: /);
    expect(e.causes.map((c) => c.field)).toEqual(expect.arrayContaining(["metadata.name", "data[bad key!]"]));
    expect(e.causes.every((c) => c.reason === "FieldValueInvalid")).toBe(true);
    expect(isInvalid(e)).toBe(true);
  });

  it("400 BadRequestError for a bad selector", async () => {
    const err = await caught(client.list(CM, { namespace: "errs", fieldSelector: "spec.nope=1" }));
    expect(err).toBeInstanceOf(BadRequestError);
    expect((err as BadRequestError).code).toBe(400);
    expect(isBadRequest(err)).toBe(true);
    const err2 = await caught(client.list(CM, { labelSelector: "a b" }));
    expect(err2).toBeInstanceOf(BadRequestError);
  });

  it("403 ForbiddenError from admission", async () => {
    const err = await caught(client.delete({ apiVersion: "v1", kind: "Namespace", name: "default" }));
    expect(err).toBeInstanceOf(ForbiddenError);
    expect((err as ForbiddenError).message).toBe('namespaces "default" is forbidden: this namespace may not be deleted');
    expect(isForbidden(err)).toBe(true);
  });

  it("405 MethodNotAllowedError for a verb the subresource does not serve", async () => {
    const d = await client.create<KubeObject>({
      apiVersion: "apps/v1",
      kind: "Deployment",
      metadata: { name: "d", namespace: "errs" },
      spec: { selector: { matchLabels: { a: "b" } }, template: { metadata: { labels: { a: "b" } }, spec: { containers: [{ name: "c", image: "x" }] } } },
    });
    const err = await caught(client.subResource("scale").create(d, { apiVersion: "autoscaling/v1", kind: "Scale", metadata: { name: "d" } }));
    expect(err).toBeInstanceOf(MethodNotAllowedError);
    expect((err as MethodNotAllowedError).code).toBe(405);
    expect(isMethodNotSupported(err)).toBe(true);
  });

  it("410 ExpiredError (a GoneError) for a compacted resourceVersion", async () => {
    const small = await startControlPlane({ historyCapacity: 3 });
    const c = new Client(small.kubeConfig, { qps: 0 });
    try {
      const first = await c.create<KubeObject>({ ...CM, metadata: { name: "a0", namespace: "default" } });
      for (let i = 1; i < 10; i++) await c.create({ ...CM, metadata: { name: `a${i}`, namespace: "default" } });
      const err = await caught(c.list(CM, { namespace: "default", resourceVersion: first.metadata.resourceVersion ?? "", resourceVersionMatch: "Exact" }));
      expect(err).toBeInstanceOf(ExpiredError);
      expect(err).toBeInstanceOf(GoneError);
      expect((err as ExpiredError).code).toBe(410);
      expect((err as ExpiredError).reason).toBe("Expired");
      expect(isResourceExpired(err)).toBe(true);
      expect(isGone(err)).toBe(true);
    } finally {
      c.close();
      await small.stop();
    }
  });

  it("413 RequestEntityTooLargeError", async () => {
    const err = await caught(client.create({ ...CM, metadata: { name: "big", namespace: "errs" }, data: { x: "y".repeat(4 * 1024 * 1024) } }));
    expect(err).toBeInstanceOf(RequestEntityTooLargeError);
    expect((err as ApiError).code).toBe(413);
  });

  it("504 TimeoutError for a resourceVersion the server has not reached (no retries)", async () => {
    const c = new Client(cp.kubeConfig, { qps: 0, maxRetries: 0 });
    try {
      const err = await caught(c.list(CM, { namespace: "errs", resourceVersion: "999999999", resourceVersionMatch: "NotOlderThan" }));
      expect(err).toBeInstanceOf(TimeoutError);
      const e = err as TimeoutError;
      expect(e.code).toBe(504);
      expect(e.message).toMatch(/^Too large resource version: 999999999, current: \d+$/);
      expect(e.retryAfterSeconds).toBe(1);
      expect(isTimeout(e)).toBe(true);
      expect(c.transport.stats.retries).toBe(0);
    } finally {
      c.close();
    }
  });

  it("503 ServiceUnavailableError once the storage is closed", async () => {
    const doomed = await startControlPlane();
    const c = new Client(doomed.kubeConfig, { qps: 0, maxRetries: 0 });
    try {
      await c.mapping(CM);
      await doomed.controlPlane.storage.close();
      const err = await caught(c.get({ ...CM, namespace: "default", name: "x" }));
      expect(err).toBeInstanceOf(ServiceUnavailableError);
      expect(isServiceUnavailable(err)).toBe(true);
    } finally {
      c.close();
      await doomed.stop().catch(() => undefined);
    }
  });
});

describe("errors without a real server response", () => {
  let server: http.Server;
  let url = "";
  let handler: (req: IncomingMessage, res: ServerResponse) => void = () => undefined;
  let hits = 0;

  beforeAll(async () => {
    server = http.createServer((req, res) => {
      hits++;
      handler(req, res);
    });
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((r) => server.close(r));
  });

  function kubeConfigFor(server: string): KubeConfig {
    const kc = new KubeConfig();
    kc.loadFromOptions({
      clusters: [{ name: "fake", server, skipTLSVerify: true }],
      users: [{ name: "u", token: "secret-token" }],
      contexts: [{ name: "fake", cluster: "fake", user: "u" }],
      currentContext: "fake",
    });
    return kc;
  }

  const mapper = new StaticRESTMapper([
    { groupVersionKind: { group: "", version: "v1", kind: "ConfigMap" }, resource: { group: "", version: "v1", resource: "configmaps" }, namespaced: true, subresources: [] },
  ]);

  function fakeClient(opts: { maxRetries?: number } = {}): Client {
    return new Client(kubeConfigFor(url), { qps: 0, restMapper: mapper, ...opts });
  }

  function status(code: number, reason: string, message: string, extra: Record<string, unknown> = {}): string {
    return JSON.stringify({ kind: "Status", apiVersion: "v1", metadata: {}, status: "Failure", message, reason, code, ...extra });
  }

  it("sends the kubeconfig's bearer token", async () => {
    let auth = "";
    handler = (req, res) => {
      auth = String(req.headers.authorization);
      res.writeHead(200, { "Content-Type": "application/json" }).end(JSON.stringify({ ...CM, metadata: { name: "x", namespace: "n" } }));
    };
    const c = fakeClient();
    await c.get({ ...CM, namespace: "n", name: "x" });
    c.close();
    expect(auth).toBe("Bearer secret-token");
  });

  it("401 UnauthorizedError", async () => {
    handler = (_req, res) => res.writeHead(401, { "Content-Type": "application/json" }).end(status(401, "Unauthorized", "Unauthorized"));
    const c = fakeClient();
    const err = await caught(c.get({ ...CM, namespace: "n", name: "x" }));
    c.close();
    expect(err).toBeInstanceOf(UnauthorizedError);
    expect(isUnauthorized(err)).toBe(true);
  });

  it("429 is retried after Retry-After, then TooManyRequestsError when retries run out", async () => {
    let n = 0;
    handler = (_req, res) => {
      n++;
      if (n <= 2) res.writeHead(429, { "Content-Type": "application/json", "Retry-After": "0" }).end(status(429, "TooManyRequests", "slow down", { details: { retryAfterSeconds: 0 } }));
      else res.writeHead(200, { "Content-Type": "application/json" }).end(JSON.stringify({ ...CM, metadata: { name: "x", namespace: "n" } }));
    };
    const c = fakeClient();
    const got = await c.get({ ...CM, namespace: "n", name: "x" });
    expect(got.metadata.name).toBe("x");
    expect(c.transport.stats.retries).toBe(2);
    c.close();

    handler = (_req, res) => res.writeHead(429, { "Content-Type": "application/json", "Retry-After": "0" }).end(status(429, "TooManyRequests", "slow down"));
    const c2 = fakeClient({ maxRetries: 1 });
    const before = hits;
    const err = await caught(c2.get({ ...CM, namespace: "n", name: "x" }));
    c2.close();
    expect(hits - before).toBe(2);
    expect(err).toBeInstanceOf(TooManyRequestsError);
    expect(isTooManyRequests(err)).toBe(true);
    expect((err as TooManyRequestsError).retryAfterSeconds).toBeUndefined(); // 0 means "no delay asked"
  });

  it("a 5xx without Retry-After is not retried", async () => {
    handler = (_req, res) => res.writeHead(500, { "Content-Type": "application/json" }).end(status(500, "InternalError", "Internal error occurred: boom"));
    const c = fakeClient();
    const before = hits;
    const err = await caught(c.get({ ...CM, namespace: "n", name: "x" }));
    c.close();
    expect(hits - before).toBe(1);
    expect(err).toBeInstanceOf(InternalError);
    expect(isInternalError(err)).toBe(true);
  });

  it("non-Status bodies become a Status from the code, the text kept as a cause", async () => {
    handler = (_req, res) => res.writeHead(404, { "Content-Type": "text/plain" }).end("404 page not found\n");
    const c = fakeClient();
    const nf = await caught(c.get({ ...CM, namespace: "n", name: "x" }));
    expect(nf).toBeInstanceOf(NotFoundError);
    expect((nf as NotFoundError).message).toBe("the server could not find the requested resource");
    expect((nf as NotFoundError).causes).toEqual([{ reason: "UnexpectedServerResponse", message: "404 page not found" }]);

    handler = (_req, res) => res.writeHead(502, { "Content-Type": "text/html" }).end("<html>bad gateway</html>");
    const bg = await caught(c.get({ ...CM, namespace: "n", name: "x" }));
    expect(bg).toBeInstanceOf(InternalError);
    expect((bg as InternalError).code).toBe(502);
    expect((bg as InternalError).message).toContain("<html>bad gateway</html>");

    handler = (_req, res) => res.writeHead(418).end();
    const teapot = await caught(c.get({ ...CM, namespace: "n", name: "x" }));
    expect(teapot).toBeInstanceOf(ApiError);
    expect((teapot as ApiError).constructor).toBe(ApiError);
    expect((teapot as ApiError).code).toBe(418);
    c.close();
  });

  it("a Status without a reason maps by code (like apimachinery's IsNotFound & co.)", () => {
    const s = (code: number) => ({ kind: "Status" as const, apiVersion: "v1" as const, metadata: {}, status: "Failure" as const, code });
    expect(apiErrorFromStatus(s(404))).toBeInstanceOf(NotFoundError);
    expect(apiErrorFromStatus(s(409))).toBeInstanceOf(ConflictError);
    expect(apiErrorFromStatus(s(410))).toBeInstanceOf(GoneError);
    expect(apiErrorFromStatus(s(422))).toBeInstanceOf(InvalidError);
    expect(apiErrorFromStatus(s(503))).toBeInstanceOf(ServiceUnavailableError);
    expect(apiErrorFromStatus(s(599))).toBeInstanceOf(InternalError);
    // reasons win over codes
    expect(apiErrorFromStatus({ ...s(409), reason: "AlreadyExists" })).toBeInstanceOf(AlreadyExistsError);
    expect(apiErrorFromStatus({ ...s(410), reason: "Expired" })).toBeInstanceOf(ExpiredError);
    // core's server-side errors answer the same helpers
    expect(isNotFound(newNotFound({ group: "", resource: "pods" }, "x"))).toBe(true);
  });

  it("200 with a body that is not JSON → DecodeError", async () => {
    handler = (_req, res) => res.writeHead(200, { "Content-Type": "application/json" }).end("{not json");
    const c = fakeClient();
    const err = await caught(c.get({ ...CM, namespace: "n", name: "x" }));
    c.close();
    expect(err).toBeInstanceOf(DecodeError);
    expect((err as DecodeError).body).toBe("{not json");
  });

  it("connection refused → TransportError with the cause", async () => {
    const probe = http.createServer();
    await new Promise<void>((r) => probe.listen(0, "127.0.0.1", r));
    const port = (probe.address() as AddressInfo).port;
    await new Promise((r) => probe.close(r));
    const c = new Client(kubeConfigFor(`http://127.0.0.1:${port}`), { qps: 0, restMapper: mapper });
    const err = await caught(c.get({ ...CM, namespace: "n", name: "x" }));
    c.close();
    expect(err).toBeInstanceOf(TransportError);
    expect(isTransportError(err)).toBe(true);
    expect((err as TransportError).code).toBe("ECONNREFUSED");
    expect((err as TransportError).cause).toBeInstanceOf(Error);
    expect((err as TransportError).request.path).toBe("/api/v1/namespaces/n/configmaps/x");
  });

  it("a request timeout → TransportError ETIMEDOUT; an abort → the signal's reason", async () => {
    handler = () => undefined; // never answers
    const c = new Client(kubeConfigFor(url), { qps: 0, restMapper: mapper, timeoutMs: 100 });
    const err = await caught(c.get({ ...CM, namespace: "n", name: "x" }));
    expect(err).toBeInstanceOf(TransportError);
    expect((err as TransportError).code).toBe("ETIMEDOUT");
    const ac = new AbortController();
    setTimeout(() => ac.abort(), 50);
    const aborted = await caught(c.get({ ...CM, namespace: "n", name: "x" }, { signal: ac.signal, timeoutMs: 0 }));
    expect((aborted as Error).name).toBe("AbortError");
    c.close();
  });
});
