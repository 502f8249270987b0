/**
 * An aggregated API server delegating authentication and authorization to a real local control plane:
 * front-proxy trust, client certificates, TokenReview, SubjectAccessReview against RBAC, anonymous, the
 * Status errors, health, kubectl with a token, and graceful stop.
 */
import { execFile } from "node:child_process";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { request } from "node:https";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { stringify } from "yaml";
import { Client } from "../../client/client.js";
import type { KubeObject } from "../../core/object.js";
import { EtcdBackend } from "../../storage/etcd.js";
import { EtcdProcess } from "../../storage/etcd/process.js";
import { startControlPlane, type RunningControlPlane } from "../../testing/index.js";
import { createCA, type KeyPairPEM } from "../certs.js";
import type { ResourceDefinition } from "../resource.js";
import { AggregatedAPIServer } from "./server.js";

const kubectl = "/usr/lib/google-cloud-sdk/bin/kubectl.1.33";
const group = "wardle.example.com";

const flunders: ResourceDefinition = {
  group,
  version: "v1alpha1",
  namespaced: true,
  names: { plural: "flunders", singular: "flunder", kind: "Flunder", listKind: "FlunderList" },
};

const identities: ResourceDefinition = {
  group,
  version: "v1alpha1",
  namespaced: false,
  names: { plural: "identities", singular: "identity", kind: "Identity", listKind: "IdentityList" },
  table: {
    columns: [
      { name: "Name", type: "string", format: "name", description: "name", priority: 0 },
      { name: "User", type: "string", description: "the requesting user", priority: 0 },
    ],
    cells: (o) => [o.metadata.name ?? "", (o as { user?: { username: string } }).user?.username ?? ""],
  },
};

interface Reply {
  status: number;
  text: string;
  body: Record<string, unknown>;
}

interface CallOptions {
  method?: string;
  cert?: KeyPairPEM;
  token?: string;
  headers?: Record<string, string | string[]>;
  body?: unknown;
}

let cp: RunningControlPlane;
let admin: Client;
let server: AggregatedAPIServer;
let adminCert: KeyPairPEM;
let proxyCert: KeyPairPEM;
let otherCNCert: KeyPairPEM;
let strangerCert: KeyPairPEM;
let dir: string;
let clientCAPEM: string;

function call(path: string, opts: CallOptions = {}): Promise<Reply> {
  const headers: Record<string, string | string[]> = { Accept: "application/json", ...opts.headers };
  if (opts.token !== undefined) headers.Authorization = `Bearer ${opts.token}`;
  const payload = opts.body === undefined ? undefined : JSON.stringify(opts.body);
  if (payload !== undefined) headers["Content-Type"] = "application/json";
  return new Promise((resolve, reject) => {
    const r = request(
      `${server.url}${path}`,
      { method: opts.method ?? "GET", headers, ca: server.serving?.caPEM, agent: false, ...(opts.cert ? { cert: opts.cert.certPEM, key: opts.cert.keyPEM } : {}) },
      (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (c: Buffer) => chunks.push(c));
        res.on("end", () => {
          const text = Buffer.concat(chunks).toString("utf8");
          let body: Record<string, unknown> = {};
          try {
            body = JSON.parse(text) as Record<string, unknown>;
          } catch {
            // plain-text answers (health)
          }
          resolve({ status: res.statusCode ?? 0, text, body });
        });
        res.on("error", reject);
      },
    );
    r.on("error", reject);
    r.end(payload);
  });
}

const whoami = async (opts: CallOptions): Promise<Reply> => call(`/apis/${group}/v1alpha1/identities/me`, opts);

beforeAll(async () => {
  cp = await startControlPlane();
  admin = new Client(cp.kubeConfig, { qps: 0 });
  const proxyCA = await createCA("front-proxy-ca");
  const strangerCA = await createCA("stranger-ca");
  const clientCA = await createCA("client-ca");
  clientCAPEM = clientCA.certPEM;
  [proxyCert, otherCNCert, strangerCert, adminCert] = await Promise.all([
    proxyCA.issue({ subject: "CN=front-proxy-client", client: true }),
    proxyCA.issue({ subject: "CN=evil-proxy", client: true }),
    strangerCA.issue({ subject: "CN=front-proxy-client", client: true }),
    clientCA.issue({ subject: "CN=carol, O=system:masters", client: true }),
  ]);

  // RBAC in the control plane: flunders readable in "default" by alice, the "wardle-editors" group and the
  // reader service account; identities readable by everyone authenticated
  const rbac = "rbac.authorization.k8s.io/v1";
  await admin.create({ apiVersion: rbac, kind: "ClusterRole", metadata: { name: "flunder-reader" }, rules: [{ apiGroups: [group], resources: ["flunders"], verbs: ["get", "list", "watch"] }] } as KubeObject);
  await admin.create({ apiVersion: rbac, kind: "ClusterRole", metadata: { name: "identity-viewer" }, rules: [{ apiGroups: [group], resources: ["identities"], verbs: ["get", "list"] }] } as KubeObject);
  await admin.create({ apiVersion: "v1", kind: "ServiceAccount", metadata: { name: "reader", namespace: "default" } } as KubeObject);
  await admin.create({
    apiVersion: rbac,
    kind: "RoleBinding",
    metadata: { name: "flunder-readers", namespace: "default" },
    roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "ClusterRole", name: "flunder-reader" },
    subjects: [
      { kind: "User", apiGroup: "rbac.authorization.k8s.io", name: "alice" },
      { kind: "Group", apiGroup: "rbac.authorization.k8s.io", name: "wardle-editors" },
      { kind: "ServiceAccount", name: "reader", namespace: "default" },
    ],
  } as KubeObject);
  await admin.create({
    apiVersion: rbac,
    kind: "ClusterRoleBinding",
    metadata: { name: "identity-viewers" },
    roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "ClusterRole", name: "identity-viewer" },
    subjects: [{ kind: "Group", apiGroup: "rbac.authorization.k8s.io", name: "system:authenticated" }],
  } as KubeObject);

  server = new AggregatedAPIServer({
    resources: [flunders],
    kubeConfig: cp.kubeConfig,
    authentication: {
      clientCA: clientCA.certPEM,
      requestHeader: { clientCA: proxyCA.certPEM, allowedNames: ["front-proxy-client"], uidHeaders: ["X-Remote-Uid"] },
    },
    host: "127.0.0.1",
  });
  server.installComputedResource(identities, {
    get: (ctx, _ns, name) => ({ apiVersion: "", kind: "", metadata: { name }, user: ctx.user }) as KubeObject,
    list: (ctx) => [{ apiVersion: "", kind: "", metadata: { name: "me" }, user: ctx.user } as KubeObject],
  });
  await server.start();
  dir = await mkdtemp(join(tmpdir(), "kf-aggregated-"));
});

afterAll(async () => {
  await server?.stop();
  admin?.close();
  await cp?.stop();
  if (dir) await rm(dir, { recursive: true, force: true });
});

const unauthorized = { kind: "Status", apiVersion: "v1", metadata: {}, status: "Failure", message: "Unauthorized", reason: "Unauthorized", code: 401 };

describe("front-proxy (request-header) authentication", () => {
  it("ignores forged X-Remote-* headers without a front-proxy certificate: the request is anonymous, then forbidden", async () => {
    const forged = { "X-Remote-User": "system:admin", "X-Remote-Group": ["system:masters", "system:authenticated"] };
    const list = await call(`/apis/${group}/v1alpha1/namespaces/default/flunders`, { headers: forged });
    expect(list.status).toBe(403);
    expect(list.body).toEqual({
      kind: "Status",
      apiVersion: "v1",
      metadata: {},
      status: "Failure",
      message: `flunders.${group} is forbidden: User "system:anonymous" cannot list resource "flunders" in API group "${group}" in the namespace "default"`,
      reason: "Forbidden",
      details: { group, kind: "flunders" },
      code: 403,
    });
    const discovery = await call("/apis", { headers: forged });
    expect(discovery.status).toBe(403);
    expect(discovery.body.message).toBe('forbidden: User "system:anonymous" cannot get path "/apis"');
  });

  it("ignores them with a client certificate of the client CA too: the certificate's user is the identity", async () => {
    const me = await whoami({ cert: adminCert, headers: { "X-Remote-User": "system:admin", "X-Remote-Group": "wardle-editors" } });
    expect(me.status).toBe(200);
    expect(me.body.user).toEqual({ username: "carol", groups: ["system:masters", "system:authenticated"] });
  });

  it("does not trust a request-header CA certificate whose CN is not allowed (401)", async () => {
    const r = await whoami({ cert: otherCNCert, headers: { "X-Remote-User": "alice" } });
    expect(r.status).toBe(401);
    expect(r.body).toEqual(unauthorized);
  });

  it("does not trust the allowed CN from another CA (401)", async () => {
    const r = await whoami({ cert: strangerCert, headers: { "X-Remote-User": "alice" } });
    expect(r.status).toBe(401);
    expect(r.body).toEqual(unauthorized);
  });

  it("gives a valid front-proxy certificate's headers as the identity (groups, uid, url-escaped extra keys)", async () => {
    const r = await whoami({
      cert: proxyCert,
      headers: {
        "X-Remote-User": "alice",
        "X-Remote-Uid": "uid-1",
        "X-Remote-Group": ["team-a", "team-b"],
        "X-Remote-Extra-Acme.com%2Fproject": ["p1", "p2"],
        "X-Remote-Extra-Scopes": "read",
      },
    });
    expect(r.status).toBe(200);
    expect(r.body.user).toEqual({ username: "alice", uid: "uid-1", groups: ["team-a", "team-b", "system:authenticated"], extra: { "acme.com/project": ["p1", "p2"], scopes: ["read"] } });
  });

  it("a front-proxy certificate without a user header is not a user (its CA is not the client CA: 401)", async () => {
    expect((await whoami({ cert: proxyCert })).status).toBe(401);
  });

  it("lets the SubjectAccessReview decide with the RBAC of the control plane", async () => {
    const asAlice = { cert: proxyCert, headers: { "X-Remote-User": "alice" } };
    const allowed = await call(`/apis/${group}/v1alpha1/namespaces/default/flunders`, asAlice);
    expect(allowed.status).toBe(200);
    expect(allowed.body).toMatchObject({ kind: "FlunderList", apiVersion: `${group}/v1alpha1`, items: [] });
    const otherNs = await call(`/apis/${group}/v1alpha1/namespaces/other/flunders`, asAlice);
    expect(otherNs.status).toBe(403);
    expect(otherNs.body.message).toBe(`flunders.${group} is forbidden: User "alice" cannot list resource "flunders" in API group "${group}" in the namespace "other"`);
    const create = await call(`/apis/${group}/v1alpha1/namespaces/default/flunders`, { ...asAlice, method: "POST", body: { apiVersion: `${group}/v1alpha1`, kind: "Flunder", metadata: { name: "f" } } });
    expect(create.status).toBe(403);
    expect(create.body.message).toBe(`flunders.${group} is forbidden: User "alice" cannot create resource "flunders" in API group "${group}" in the namespace "default"`);
    // the group arrives in the review
    const viaGroup = await call(`/apis/${group}/v1alpha1/namespaces/default/flunders`, { cert: proxyCert, headers: { "X-Remote-User": "bob", "X-Remote-Group": "wardle-editors" } });
    expect(viaGroup.status).toBe(200);
    const bob = await call(`/apis/${group}/v1alpha1/namespaces/default/flunders`, { cert: proxyCert, headers: { "X-Remote-User": "bob" } });
    expect(bob.status).toBe(403);
    expect(bob.body.message).toContain('User "bob" cannot list resource "flunders"');
  });
});

describe("delegated bearer tokens", () => {
  it("authenticates a service account token through TokenReview and authorizes it by SubjectAccessReview", async () => {
    const token = await cp.serviceAccountToken("default", "reader");
    const me = await whoami({ token });
    expect(me.status).toBe(200);
    expect(me.body.user).toMatchObject({
      username: "system:serviceaccount:default:reader",
      groups: ["system:serviceaccounts", "system:serviceaccounts:default", "system:authenticated"],
    });
    expect((me.body.user as { uid?: string }).uid).toMatch(/^[0-9a-f-]{36}$/);
    expect((await call(`/apis/${group}/v1alpha1/namespaces/default/flunders`, { token })).status).toBe(200);
    expect((await call(`/apis/${group}/v1alpha1/namespaces/kube-system/flunders`, { token })).status).toBe(403);
  });

  it("answers an invalid token with 401 Unauthorized (never anonymous)", async () => {
    const r = await call(`/apis/${group}/v1alpha1/namespaces/default/flunders`, { token: "not-a-token" });
    expect(r.status).toBe(401);
    expect(r.body).toEqual(unauthorized);
    // an invalid token on an always-allowed path is still a 401: authentication comes first
    expect((await call("/healthz", { token: "not-a-token" })).status).toBe(401);
  });
});

describe("serving", () => {
  it("allows /healthz, /livez and /readyz to anyone", async () => {
    for (const path of ["/healthz", "/livez", "/readyz"]) {
      const r = await call(path);
      expect(r.status, path).toBe(200);
      expect(r.text).toBe("ok");
    }
    const verbose = await call("/readyz?verbose", { cert: adminCert });
    expect(verbose.text).toContain("[+]informer-sync ok");
    expect(verbose.text).toContain("[+]shutdown ok");
  });

  it("serves stored resources to system:masters without a review, and kubectl get with a token", async () => {
    const created = await call(`/apis/${group}/v1alpha1/namespaces/default/flunders`, { cert: adminCert, method: "POST", body: { apiVersion: `${group}/v1alpha1`, kind: "Flunder", metadata: { name: "first" } } });
    expect(created.status).toBe(201);
    const token = await cp.serviceAccountToken("default", "reader");
    const kubeconfig = join(dir, "reader.kubeconfig");
    await writeFile(
      kubeconfig,
      stringify({
        apiVersion: "v1",
        kind: "Config",
        clusters: [{ name: "wardle", cluster: { server: server.url, "certificate-authority-data": Buffer.from(server.serving?.caPEM ?? "").toString("base64") } }],
        users: [{ name: "reader", user: { token } }],
        contexts: [{ name: "wardle", context: { cluster: "wardle", user: "reader", namespace: "default" } }],
        "current-context": "wardle",
      }),
      { mode: 0o600 },
    );
    const run = (args: string[]): Promise<{ code: number; stdout: string; stderr: string }> =>
      new Promise((resolve) => {
        execFile(kubectl, ["--kubeconfig", kubeconfig, ...args], { env: { PATH: process.env.PATH ?? "/usr/bin", HOME: dir, KUBECACHEDIR: join(dir, "cache") }, timeout: 30_000 }, (err, stdout, stderr) =>
          resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, stdout, stderr }),
        );
      });
    const get = await run(["get", "flunders"]);
    expect(get.stderr).toBe("");
    expect(get.stdout).toMatch(/^NAME\s+CREATED AT\nfirst\s+\S+\n$/);
    const one = await run(["get", "flunder", "first", "-o", "jsonpath={.metadata.name}"]);
    expect(one.stdout).toBe("first");
    const who = await run(["get", "identities", "me"]);
    expect(who.stdout).toMatch(/^NAME\s+USER\nme\s+system:serviceaccount:default:reader\n$/);
    const denied = await run(["get", "flunders", "-n", "kube-system"]);
    expect(denied.code).not.toBe(0);
    expect(denied.stderr).toContain(`flunders.${group} is forbidden: User "system:serviceaccount:default:reader" cannot list resource "flunders" in API group "${group}" in the namespace "kube-system"`);
  });

  it("stops gracefully: open watches end, then the port closes", async () => {
    const extra = new AggregatedAPIServer({ resources: [flunders], kubeConfig: cp.kubeConfig, authentication: { clientCA: clientCAPEM, skipInClusterLookup: true }, host: "127.0.0.1" });
    await extra.start();
    const url = extra.url;
    let status = 0;
    const ended = new Promise<string>((resolve, reject) => {
      const r = request(
        `${url}/apis/${group}/v1alpha1/namespaces/default/flunders?watch=true`,
        { ca: extra.serving?.caPEM, cert: adminCert.certPEM, key: adminCert.keyPEM, agent: false, headers: { Accept: "application/json" } },
        (res) => {
          status = res.statusCode ?? 0;
          let text = "";
          res.setEncoding("utf8").on("data", (d: string) => (text += d));
          res.on("end", () => resolve(text));
          res.on("error", reject);
        },
      );
      r.on("error", reject);
      r.end();
    });
    const created = await new Promise<number>((resolve, reject) => {
      const body = JSON.stringify({ apiVersion: `${group}/v1alpha1`, kind: "Flunder", metadata: { name: "w" } });
      const r = request(`${url}/apis/${group}/v1alpha1/namespaces/default/flunders`, { method: "POST", ca: extra.serving?.caPEM, cert: adminCert.certPEM, key: adminCert.keyPEM, agent: false, headers: { "Content-Type": "application/json" } }, (res) => {
        res.resume();
        res.on("end", () => resolve(res.statusCode ?? 0));
      });
      r.on("error", reject);
      r.end(body);
    });
    expect(created).toBe(201);
    const t0 = Date.now();
    await extra.stop();
    expect(Date.now() - t0).toBeLessThan(5_000);
    expect(status).toBe(200);
    expect(await ended).toContain('"type":"ADDED"');
    await expect(fetch(`${url}/healthz`)).rejects.toThrow();
  });

  it("stores in etcd: what one replica wrote, another replica on the same etcd serves after the first stopped", async () => {
    const etcd = await EtcdProcess.start();
    try {
      const replica = () =>
        new AggregatedAPIServer({
          resources: [flunders],
          storage: new EtcdBackend({ endpoints: [etcd.endpoint], prefix: "/wardle" }),
          kubeConfig: cp.kubeConfig,
          authentication: { clientCA: clientCAPEM, skipInClusterLookup: true },
          host: "127.0.0.1",
        });
      const asAdmin = (s: AggregatedAPIServer, method: string, path: string, body?: unknown): Promise<{ status: number; body: Record<string, unknown> }> =>
        new Promise((resolve, reject) => {
          const r = request(`${s.url}${path}`, { method, ca: s.serving?.caPEM, cert: adminCert.certPEM, key: adminCert.keyPEM, agent: false, headers: { "Content-Type": "application/json", Accept: "application/json" } }, (res) => {
            const chunks: Buffer[] = [];
            res.on("data", (c: Buffer) => chunks.push(c));
            res.on("end", () => resolve({ status: res.statusCode ?? 0, body: JSON.parse(Buffer.concat(chunks).toString("utf8")) as Record<string, unknown> }));
          });
          r.on("error", reject);
          r.end(body === undefined ? undefined : JSON.stringify(body));
        });
      const a = replica();
      await a.start();
      const path = `/apis/${group}/v1alpha1/namespaces/default/flunders`;
      const created = await asAdmin(a, "POST", path, { apiVersion: `${group}/v1alpha1`, kind: "Flunder", metadata: { name: "durable", labels: { tier: "gold" } } });
      expect(created.status).toBe(201);
      const b = replica();
      await b.start();
      await a.stop();
      const got = await asAdmin(b, "GET", `${path}/durable`);
      expect(got.status).toBe(200);
      expect(got.body).toMatchObject({ metadata: { name: "durable", labels: { tier: "gold" }, resourceVersion: (created.body.metadata as { resourceVersion: string }).resourceVersion } });
      await b.stop();
    } finally {
      await etcd.stop();
    }
  });
});
