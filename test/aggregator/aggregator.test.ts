/**
 * Aggregation in the local control plane, end to end: a real aggregated API server (test/aggregator/wardle.ts,
 * built from the generic library, its own HTTPS server on 127.0.0.1) reached through a Service, its Endpoints and
 * an APIService with a caBundle. Real kubectl (1.27 and 1.33) lists, creates, watches and explains its resources;
 * the backend sees who the control plane authenticated, never what the client claimed; availability conditions,
 * 503s and timeouts come out as upstream's for missing services and endpoints, dead, garbage-speaking and
 * silent backends, while the control plane and discovery for the other groups keep working.
 */
import { connect as tlsConnect } from "node:tls";
import { createServer, type AddressInfo } from "node:net";
import { request as httpsRequest } from "node:https";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startControlPlane, type RunningControlPlane } from "../../runtime/testing/index.js";
import { api, watchEvents } from "../support/http.js";
import { eventually, Kubectl, kubectlEnv, kubectlVersions, lines, tableRows, type KubectlEnv } from "../support/kubectl.js";
import { startBrokenBackend, startWardle, wardleGroup, wardleVersion, type Backend } from "./wardle.js";

const aggregatedAccept = "application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList,application/json";
const fast = { availabilityResyncMs: 500, availabilityCheckTimeoutMs: 400, discoveryRefreshMs: 500, discoveryTimeoutMs: 800, requestTimeoutMs: 1500 };

interface Condition {
  type: string;
  status: string;
  reason?: string;
  message?: string;
}

async function must(cp: RunningControlPlane, method: string, path: string, body: object): Promise<void> {
  const r = await api(cp, method, path, { body });
  if (r.status >= 300) throw new Error(`${method} ${path}: ${r.status} ${r.text}`);
}

/** Namespace, Service (port 443 named https), Endpoints and APIService for a backend. */
async function register(
  cp: RunningControlPlane,
  o: { namespace: string; service: string; group: string; version: string; endpointPort?: number; caBundle?: string; apiServicePort?: number; endpoints?: "missing" | "no-addresses" },
): Promise<void> {
  const ns = await api(cp, "GET", `/api/v1/namespaces/${o.namespace}`);
  if (ns.status === 404) await must(cp, "POST", "/api/v1/namespaces", { metadata: { name: o.namespace } });
  if (o.service !== "missing") {
    await must(cp, "POST", `/api/v1/namespaces/${o.namespace}/services`, { metadata: { name: o.service }, spec: { ports: [{ name: "https", port: 443, targetPort: 443 }] } });
    if (o.endpoints !== "missing") {
      const subset = o.endpoints === "no-addresses" ? { notReadyAddresses: [{ ip: "127.0.0.1" }], ports: [{ name: "https", port: 1 }] } : { addresses: [{ ip: "127.0.0.1" }], ports: [{ name: "https", port: o.endpointPort }] };
      await must(cp, "POST", `/api/v1/namespaces/${o.namespace}/endpoints`, { metadata: { name: o.service }, subsets: [subset] });
    }
  }
  await must(cp, "POST", "/apis/apiregistration.k8s.io/v1/apiservices", {
    apiVersion: "apiregistration.k8s.io/v1",
    kind: "APIService",
    metadata: { name: `${o.version}.${o.group}` },
    spec: {
      group: o.group,
      version: o.version,
      groupPriorityMinimum: 2000,
      versionPriority: 10,
      service: { namespace: o.namespace, name: o.service, ...(o.apiServicePort ? { port: o.apiServicePort } : {}) },
      ...(o.caBundle ? { caBundle: o.caBundle } : { insecureSkipTLSVerify: true }),
    },
  });
}

async function availability(cp: RunningControlPlane, name: string): Promise<Condition | undefined> {
  const r = await api(cp, "GET", `/apis/apiregistration.k8s.io/v1/apiservices/${name}`);
  return (r.json as { status?: { conditions?: Condition[] } }).status?.conditions?.find((c) => c.type === "Available");
}

async function waitForReason(cp: RunningControlPlane, name: string, reason: string, timeoutMs = 10_000): Promise<Condition> {
  let last: Condition | undefined;
  try {
    await eventually(async () => (last = await availability(cp, name))?.reason === reason, timeoutMs, 50);
  } catch {
    throw new Error(`${name}: wanted ${reason}, last condition ${JSON.stringify(last)}`);
  }
  if (!last) throw new Error("no condition");
  return last;
}

interface AggregatedDoc {
  items: { metadata: { name: string }; versions: { version: string; freshness?: string; resources?: { resource: string }[] }[] }[];
}

async function aggregated(cp: RunningControlPlane): Promise<AggregatedDoc> {
  const r = await api(cp, "GET", "/apis", { headers: { Accept: aggregatedAccept } });
  expect(r.status).toBe(200);
  return r.json as AggregatedDoc;
}

/** Waits until aggregated discovery lists the group-version with its resources, fetched from the backend. */
async function waitForDiscovery(cp: RunningControlPlane, group: string, version: string): Promise<void> {
  await eventually(async () => {
    const g = (await aggregated(cp)).items.find((i) => i.metadata.name === group);
    const v = g?.versions.find((x) => x.version === version);
    return v?.freshness === "Current" && (v.resources?.length ?? 0) > 0;
  });
}

const flunderYAML = (ns: string, name: string, reference = "other"): string =>
  `apiVersion: ${wardleGroup}/${wardleVersion}\nkind: Flunder\nmetadata:\n  name: ${name}\n  namespace: ${ns}\nspec:\n  reference: ${reference}\n`;

/** A TCP port nothing listens on. */
async function closedPort(): Promise<number> {
  const srv = createServer();
  await new Promise<void>((resolve) => srv.listen(0, "127.0.0.1", resolve));
  const port = (srv.address() as AddressInfo).port;
  await new Promise<void>((resolve) => srv.close(() => resolve()));
  return port;
}

describe.concurrent.each(kubectlVersions)("kubectl $version through the aggregator", (v) => {
  let env: KubectlEnv;
  let backend: Backend;
  beforeAll(async () => {
    env = await kubectlEnv(v);
    backend = await startWardle({ requestHeaderCAPEM: env.cp.frontProxy.caPEM, namespace: "wardle", name: "wardle-api" });
    await register(env.cp, { namespace: "wardle", service: "wardle-api", group: wardleGroup, version: wardleVersion, endpointPort: backend.port, caBundle: backend.caBundle });
    await waitForReason(env.cp, `${wardleVersion}.${wardleGroup}`, "Passed");
    await waitForDiscovery(env.cp, wardleGroup, wardleVersion);
  });
  afterAll(async () => {
    await env?.close();
    await backend?.stop();
  });

  it("api-resources and api-versions list the aggregated group; get apiservices prints local and remote ones", async () => {
    const [resources, versions, services] = await Promise.all([
      env.kubectl.ok(["api-resources", `--api-group=${wardleGroup}`]),
      env.kubectl.ok(["api-versions"]),
      env.kubectl.ok(["get", "apiservices"]),
    ]);
    expect(tableRows(resources)).toEqual([
      ["NAME", "SHORTNAMES", "APIVERSION", "NAMESPACED", "KIND"],
      ["flunders", "fl", `${wardleGroup}/${wardleVersion}`, "true", "Flunder"],
    ]);
    expect(lines(versions)).toContain(`${wardleGroup}/${wardleVersion}`);
    const rows = tableRows(services);
    expect(rows[0]).toEqual(["NAME", "SERVICE", "AVAILABLE", "AGE"]);
    const byName = new Map(rows.slice(1).map((r) => [r[0], r.slice(1, 3)]));
    expect(byName.get(`${wardleVersion}.${wardleGroup}`)).toEqual(["wardle/wardle-api", "True"]);
    expect(byName.get("v1.")).toEqual(["Local", "True"]);
    expect(byName.get("v1.apps")).toEqual(["Local", "True"]);
    expect(byName.get("v1.rbac.authorization.k8s.io")).toEqual(["Local", "True"]);
    expect(byName.has("v1.apiregistration.k8s.io")).toBe(false);
  });

  it("creates, gets, lists, labels and deletes flunders in the aggregated server", async () => {
    const ns = await env.namespace("fl");
    const k = env.kubectl;
    expect(await k.ok(["create", "-f", "-"], { input: flunderYAML(ns, "one") + "---\n" + flunderYAML(ns, "two", "one") })).toBe(`flunder.${wardleGroup}/one created\nflunder.${wardleGroup}/two created\n`);
    const got = await k.json<{ apiVersion: string; kind: string; metadata: { name: string; namespace: string }; spec: { reference: string } }>(["-n", ns, "get", "flunder", "two"]);
    expect(got).toMatchObject({ apiVersion: `${wardleGroup}/${wardleVersion}`, kind: "Flunder", metadata: { name: "two", namespace: ns }, spec: { reference: "one" } });
    // the object lives in the aggregated server's storage, not in the control plane's
    expect(await backend.server.store(wardleGroup, wardleVersion, "flunders")?.storage.get(`${ns}/two`)).toMatchObject({ spec: { reference: "one" } });
    const table = tableRows(await k.ok(["-n", ns, "get", "fl"]));
    expect(table.map((r) => r[0])).toEqual(["NAME", "one", "two"]);
    expect(await k.ok(["-n", ns, "label", "flunder", "one", "tier=gold"])).toBe(`flunder.${wardleGroup}/one labeled\n`);
    expect(lines(await k.ok(["-n", ns, "get", "flunders", "-l", "tier=gold", "-o", "name"]))).toEqual([`flunder.${wardleGroup}/one`]);
    expect(await k.ok(["-n", ns, "delete", "flunder", "one", "two"])).toBe(`flunder.${wardleGroup} "one" deleted\nflunder.${wardleGroup} "two" deleted\n`);
    const missing = await k.run(["-n", ns, "get", "flunder", "one"]);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toBe(`Error from server (NotFound): flunders.${wardleGroup} "one" not found\n`);
  });

  it("get -w streams the aggregated server's events as they happen", async () => {
    const ns = await env.namespace("flw");
    const k = env.kubectl;
    await k.ok(["create", "-f", "-"], { input: flunderYAML(ns, "w1") });
    const watch = k.background(["-n", ns, "get", "flunders", "-w", "-o", "name"]);
    try {
      await watch.waitForOutput((out) => lines(out).includes(`flunder.${wardleGroup}/w1`));
      await k.ok(["create", "-f", "-"], { input: flunderYAML(ns, "w2") });
      await watch.waitForOutput((out) => lines(out).includes(`flunder.${wardleGroup}/w2`));
      await k.ok(["-n", ns, "delete", "flunder", "w1"]);
      await watch.waitForOutput((out) => lines(out).filter((l) => l === `flunder.${wardleGroup}/w1`).length >= 2);
    } finally {
      await watch.stop();
    }
  });

  it("apply, explain and delete work on APIServices themselves", async () => {
    const manifest = (priority: number): string =>
      `apiVersion: apiregistration.k8s.io/v1\nkind: APIService\nmetadata:\n  name: v1.apply.example.com\nspec:\n  group: apply.example.com\n  version: v1\n  groupPriorityMinimum: ${priority}\n  versionPriority: 5\n  insecureSkipTLSVerify: true\n  service:\n    namespace: wardle\n    name: wardle-api\n`;
    const k = env.kubectl;
    expect(await k.ok(["apply", "-f", "-"], { input: manifest(300) })).toBe("apiservice.apiregistration.k8s.io/v1.apply.example.com created\n");
    // the backend does not serve apply.example.com/v1: its discovery answers 404
    await eventually(async () => (await availability(env.cp, "v1.apply.example.com"))?.reason === "FailedDiscoveryCheck");
    expect(tableRows(await k.ok(["get", "apiservice", "v1.apply.example.com"]))[1]?.slice(0, 3)).toEqual(["v1.apply.example.com", "wardle/wardle-api", "False (FailedDiscoveryCheck)"]);
    expect(await k.ok(["apply", "-f", "-"], { input: manifest(400) })).toBe("apiservice.apiregistration.k8s.io/v1.apply.example.com configured\n");
    expect((await k.json<{ spec: { groupPriorityMinimum: number; service: { port: number } } }>(["get", "apiservice", "v1.apply.example.com"])).spec).toMatchObject({ groupPriorityMinimum: 400, service: { port: 443 } });
    const bad = await k.run(["apply", "-f", "-"], { input: manifest(30000) });
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain("spec.groupPriorityMinimum: Invalid value: 30000: must be positive and less than 20000");
    expect(await k.ok(["delete", "apiservice", "v1.apply.example.com"])).toBe('apiservice.apiregistration.k8s.io "v1.apply.example.com" deleted\n');
    const explained = await k.ok(["explain", "apiservices.spec.groupPriorityMinimum"]);
    expect(explained).toContain("GROUP:      apiregistration.k8s.io");
    expect(explained).toContain("GroupPriorityMinimum is the priority this group should have at least.");
  });

  it("explain reads the aggregated group's OpenAPI v3 document from the backend", async () => {
    const out = await env.kubectl.ok(["explain", "flunders.spec"]);
    expect(out).toContain(`GROUP:      ${wardleGroup}`);
    expect(out).toContain("FlunderSpec is the desired state of a flunder.");
    expect(out).toMatch(/reference\s+<string>\n\s+A name of another flunder\./);
  });
});

describe("identity through the aggregator", () => {
  let cp: RunningControlPlane;
  let backend: Backend;
  const gvPath = `/apis/${wardleGroup}/${wardleVersion}`;
  beforeAll(async () => {
    cp = await startControlPlane({ aggregator: fast });
    backend = await startWardle({ requestHeaderCAPEM: cp.frontProxy.caPEM, namespace: "wardle", name: "wardle-api" });
    await register(cp, { namespace: "wardle", service: "wardle-api", group: wardleGroup, version: wardleVersion, endpointPort: backend.port, caBundle: backend.caBundle });
    await waitForReason(cp, `${wardleVersion}.${wardleGroup}`, "Passed");
  });
  afterAll(async () => {
    await cp?.stop();
    await backend?.stop();
  });

  const lastSeen = (path: string) => [...backend.seen].reverse().find((s) => s.path.startsWith(path));

  it("publishes extension-apiserver-authentication and the role to read it", async () => {
    const cm = (await api(cp, "GET", "/api/v1/namespaces/kube-system/configmaps/extension-apiserver-authentication")).json as { data: Record<string, string> };
    expect(cm.data).toEqual({
      "client-ca-file": cp.credentials.caPEM,
      "requestheader-allowed-names": '["front-proxy-client"]',
      "requestheader-client-ca-file": cp.frontProxy.caPEM,
      "requestheader-extra-headers-prefix": '["X-Remote-Extra-"]',
      "requestheader-group-headers": '["X-Remote-Group"]',
      "requestheader-username-headers": '["X-Remote-User"]',
    });
    const role = (await api(cp, "GET", "/apis/rbac.authorization.k8s.io/v1/namespaces/kube-system/roles/extension-apiserver-authentication-reader")).json as { rules: unknown[] };
    expect(role.rules).toEqual([{ verbs: ["get", "list", "watch"], apiGroups: [""], resources: ["configmaps"], resourceNames: ["extension-apiserver-authentication"] }]);
  });

  it("sends the authenticated user, never the X-Remote-*, Authorization or Impersonate-* headers the client sent", async () => {
    const path = `${gvPath}/namespaces/default/flunders`;
    const r = await api(cp, "GET", `${path}?limit=5`, {
      headers: { "X-Remote-User": "system:admin", "X-Remote-Group": "system:masters", "X-Remote-Extra-Scopes": "everything", Authorization: "Bearer forged" },
    });
    expect(r.status).toBe(200);
    expect(r.json).toMatchObject({ kind: "FlunderList", items: [] });
    const seen = lastSeen(`${path}?limit=5`);
    expect(seen?.user).toEqual({ username: "kubeforge-admin", groups: ["system:masters", "system:authenticated"], extra: {} });
    expect(seen?.remoteUserLines).toEqual(["kubeforge-admin"]);
    expect(seen?.authorization).toBe(false);
    // impersonation is the control plane's business: the backend gets the impersonated user, not the headers
    const imp = await api(cp, "GET", `${path}?limit=6`, { headers: { "Impersonate-User": "jane", "Impersonate-Group": "system:masters" } });
    expect(imp.status).toBe(200);
    const impSeen = lastSeen(`${path}?limit=6`);
    expect(impSeen?.user).toEqual({ username: "jane", groups: ["system:masters", "system:authenticated"], extra: {} });
    expect(impSeen?.impersonation).toBe(false);
  });

  it("proxies the group-version's discovery document to the backend", async () => {
    const r = await api(cp, "GET", gvPath);
    expect(r.status).toBe(200);
    expect(r.json).toMatchObject({ kind: "APIResourceList", groupVersion: `${wardleGroup}/${wardleVersion}`, resources: [{ name: "flunders", kind: "Flunder", shortNames: ["fl"] }] });
    expect(lastSeen(gvPath)?.path).toBe(gvPath);
    const group = (await api(cp, "GET", `/apis/${wardleGroup}`)).json;
    expect(group).toEqual({ kind: "APIGroup", apiVersion: "v1", name: wardleGroup, versions: [{ groupVersion: `${wardleGroup}/${wardleVersion}`, version: wardleVersion }], preferredVersion: { groupVersion: `${wardleGroup}/${wardleVersion}`, version: wardleVersion } });
    const index = (await api(cp, "GET", "/openapi/v3")).json as { paths: Record<string, { serverRelativeURL: string }> };
    await eventually(async () => ((await api(cp, "GET", "/openapi/v3")).json as typeof index).paths[`apis/${wardleGroup}/${wardleVersion}`] !== undefined);
    const entry = ((await api(cp, "GET", "/openapi/v3")).json as typeof index).paths[`apis/${wardleGroup}/${wardleVersion}`];
    expect(entry?.serverRelativeURL).toMatch(new RegExp(`^/openapi/v3/apis/${wardleGroup}/${wardleVersion}\\?hash=[0-9A-F]+$`));
    expect(index.paths["api/v1"]).toBeDefined();
    const doc = await api(cp, "GET", entry?.serverRelativeURL ?? "");
    expect(doc.status).toBe(200);
    expect(Object.keys((doc.json as { paths: Record<string, unknown> }).paths)).toContain(`/apis/${wardleGroup}/${wardleVersion}/namespaces/{namespace}/flunders`);
  });

  it("a service account's token user arrives with its groups and extras; RBAC of the control plane applies first", async () => {
    await must(cp, "POST", "/api/v1/namespaces", { metadata: { name: "robots" } });
    for (const name of ["reader", "nobody"]) await must(cp, "POST", "/api/v1/namespaces/robots/serviceaccounts", { metadata: { name } });
    await must(cp, "POST", "/apis/rbac.authorization.k8s.io/v1/namespaces/robots/roles", { metadata: { name: "flunder-reader" }, rules: [{ apiGroups: [wardleGroup], resources: ["flunders"], verbs: ["get", "list", "watch"] }] });
    await must(cp, "POST", "/apis/rbac.authorization.k8s.io/v1/namespaces/robots/rolebindings", {
      metadata: { name: "flunder-reader" },
      roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "Role", name: "flunder-reader" },
      subjects: [{ kind: "ServiceAccount", name: "reader", namespace: "robots" }],
    });
    const get = async (token: string, path: string): Promise<{ status: number; body: string }> =>
      new Promise((resolve, reject) => {
        const r = httpsRequest(`${cp.url}${path}`, { ca: cp.credentials.caPEM, headers: { Authorization: `Bearer ${token}`, Accept: "application/json", "X-Remote-User": "system:admin" } }, (res) => {
          let body = "";
          res.on("data", (c: Buffer) => (body += c.toString()));
          res.on("end", () => resolve({ status: res.statusCode ?? 0, body }));
        });
        r.on("error", reject);
        r.end();
      });
    const reader = await cp.serviceAccountToken("robots", "reader");
    const ok = await get(reader, `${gvPath}/namespaces/robots/flunders`);
    expect(ok.status).toBe(200);
    const seen = lastSeen(`${gvPath}/namespaces/robots/flunders`);
    expect(seen?.user.username).toBe("system:serviceaccount:robots:reader");
    expect(seen?.user.groups).toEqual(["system:serviceaccounts", "system:serviceaccounts:robots", "system:authenticated"]);
    expect(seen?.user.extra?.["authentication.kubernetes.io/credential-id"]).toEqual([expect.stringMatching(/^JTI=/)]);
    expect(seen?.remoteUserLines).toEqual(["system:serviceaccount:robots:reader"]);
    expect(seen?.authorization).toBe(false);

    const before = backend.seen.length;
    const denied = await get(await cp.serviceAccountToken("robots", "nobody"), `${gvPath}/namespaces/robots/flunders`);
    expect(denied.status).toBe(403);
    expect((JSON.parse(denied.body) as { message: string }).message).toBe(
      `flunders.${wardleGroup} is forbidden: User "system:serviceaccount:robots:nobody" cannot list resource "flunders" in API group "${wardleGroup}" in the namespace "robots"`,
    );
    expect(backend.seen.slice(before).filter((s) => s.path.includes("/namespaces/robots/"))).toEqual([]);
  });

  it("the backend itself rejects forged front-proxy headers without the front-proxy certificate", async () => {
    const direct = await new Promise<number>((resolve, reject) => {
      const r = httpsRequest(
        { host: backend.host, port: backend.port, path: `${gvPath}/namespaces/default/flunders`, servername: "wardle-api.wardle.svc", ca: Buffer.from(backend.caBundle, "base64").toString(), headers: { "X-Remote-User": "system:admin", "X-Remote-Group": "system:masters" } },
        (res) => {
          res.resume();
          resolve(res.statusCode ?? 0);
        },
      );
      r.on("error", reject);
      r.end();
    });
    expect(direct).toBe(401);
    expect(backend.rejected.at(-1)?.remoteUser).toBe("system:admin");
  });

  it("forwards connection upgrades and splices the streams", async () => {
    const url = new URL(cp.url);
    const sock = tlsConnect({ host: url.hostname, port: Number(url.port), ca: cp.credentials.caPEM, cert: cp.credentials.certPEM, key: cp.credentials.keyPEM, servername: "localhost" });
    await new Promise<void>((resolve, reject) => {
      sock.once("secureConnect", resolve);
      sock.once("error", reject);
    });
    let received = "";
    sock.on("data", (d: Buffer) => (received += d.toString()));
    sock.write(`GET ${gvPath}/namespaces/default/flunders/f/exec HTTP/1.1\r\nHost: localhost\r\nConnection: Upgrade\r\nUpgrade: SPDY/3.1\r\nX-Remote-User: system:admin\r\n\r\n`);
    await eventually(async () => received.includes("\r\n\r\n"), 5000, 10);
    expect(received).toMatch(/^HTTP\/1\.1 101 Switching Protocols\r\n/);
    expect(received).toContain("X-Echo-User: kubeforge-admin");
    received = "";
    sock.write("ping");
    await eventually(async () => received === "echo:ping", 5000, 10);
    sock.destroy();
  });

  it("streams watches without the request timeout and ends the backend watch when the client goes away", async () => {
    const path = `${gvPath}/namespaces/default/flunders`;
    const watch = watchEvents(cp, `${path}?watch=true`, (evs) => evs.some((e) => e.object.metadata?.name === "late"), 10_000);
    await eventually(async () => backend.openWatches() === 1, 5000, 10);
    // longer than the 1.5 s request timeout: a watch is long-running
    await new Promise((r) => setTimeout(r, fast.requestTimeoutMs + 500));
    await must(cp, "POST", path, { apiVersion: `${wardleGroup}/${wardleVersion}`, kind: "Flunder", metadata: { name: "late" } });
    const done = await watch;
    expect(done.status).toBe(200);
    expect(done.events.map((e) => `${e.type} ${e.object.metadata?.name ?? ""}`)).toEqual(["ADDED late"]);
    // watchEvents closed its connection: the proxied watch on the backend ends too
    await eventually(async () => backend.openWatches() === 0, 5000, 10);
  });

  it("a hanging backend request times out with 504 and the control plane keeps serving", async () => {
    backend.hangResources = true;
    try {
      const started = Date.now();
      const [hung, other] = await Promise.all([api(cp, "GET", `${gvPath}/namespaces/default/flunders`), api(cp, "GET", "/api/v1/namespaces/default")]);
      expect(other.status).toBe(200);
      expect(hung.status).toBe(504);
      expect(hung.json).toEqual({ kind: "Status", apiVersion: "v1", metadata: {}, status: "Failure", message: "Timeout: request did not complete within requested timeout - context deadline exceeded", reason: "Timeout", details: {}, code: 504 });
      expect(Date.now() - started).toBeGreaterThanOrEqual(fast.requestTimeoutMs - 50);
      expect(Date.now() - started).toBeLessThan(fast.requestTimeoutMs + 2000);
      // a shorter ?timeout= of the client wins
      const quick = Date.now();
      expect((await api(cp, "GET", `${gvPath}/namespaces/default/flunders?timeout=300ms`)).status).toBe(504);
      expect(Date.now() - quick).toBeLessThan(fast.requestTimeoutMs - 300);
    } finally {
      backend.hangResources = false;
    }
  });
});

describe("availability, failures and discovery", () => {
  let cp: RunningControlPlane;
  let healthy: Backend;
  let flaky: Backend | undefined;
  const broken: { stop(): Promise<void> }[] = [];
  const ns = "agg-fail";
  beforeAll(async () => {
    cp = await startControlPlane({ aggregator: fast });
    healthy = await startWardle({ requestHeaderCAPEM: cp.frontProxy.caPEM, namespace: "wardle", name: "wardle-api" });
    await register(cp, { namespace: "wardle", service: "wardle-api", group: wardleGroup, version: wardleVersion, endpointPort: healthy.port, caBundle: healthy.caBundle });
    await waitForReason(cp, `${wardleVersion}.${wardleGroup}`, "Passed");
  });
  afterAll(async () => {
    await cp?.stop();
    await healthy?.stop();
    await flaky?.stop();
    for (const b of broken) await b.stop();
  });

  it("reports ServiceNotFound, ServicePortError, EndpointsNotFound and MissingEndpoints with upstream's messages", async () => {
    await register(cp, { namespace: ns, service: "missing", group: "missing.example.com", version: "v1" });
    await register(cp, { namespace: ns, service: "port", group: "port.example.com", version: "v1", endpointPort: 1, apiServicePort: 8443 });
    await register(cp, { namespace: ns, service: "no-eps", group: "noeps.example.com", version: "v1", endpoints: "missing" });
    await register(cp, { namespace: ns, service: "empty-eps", group: "emptyeps.example.com", version: "v1", endpoints: "no-addresses" });
    const [missing, port, noEps, empty] = await Promise.all([
      waitForReason(cp, "v1.missing.example.com", "ServiceNotFound"),
      waitForReason(cp, "v1.port.example.com", "ServicePortError"),
      waitForReason(cp, "v1.noeps.example.com", "EndpointsNotFound"),
      waitForReason(cp, "v1.emptyeps.example.com", "MissingEndpoints"),
    ]);
    expect(missing).toMatchObject({ status: "False", message: `service/missing in "${ns}" is not present` });
    expect(port).toMatchObject({ status: "False", message: `service/port in "${ns}" is not listening on port 8443` });
    expect(noEps).toMatchObject({ status: "False", message: `cannot find endpoints for service/no-eps in "${ns}"` });
    expect(empty).toMatchObject({ status: "False", message: `endpoints for service/empty-eps in "${ns}" have no addresses with port name "https"` });
    const r = await api(cp, "GET", "/apis/missing.example.com/v1/namespaces/default/things");
    expect(r.status).toBe(503);
    expect(r.json).toEqual({ kind: "Status", apiVersion: "v1", metadata: {}, status: "Failure", message: "service unavailable", reason: "ServiceUnavailable", code: 503 });
    // creating the missing Service and Endpoints is noticed: the check runs again
    const be = await startWardle({ requestHeaderCAPEM: cp.frontProxy.caPEM, namespace: ns, name: "missing" });
    broken.push(be);
    await must(cp, "POST", `/api/v1/namespaces/${ns}/services`, { metadata: { name: "missing" }, spec: { ports: [{ name: "https", port: 443 }] } });
    await must(cp, "POST", `/api/v1/namespaces/${ns}/endpoints`, { metadata: { name: "missing" }, subsets: [{ addresses: [{ ip: "127.0.0.1" }], ports: [{ name: "https", port: be.port }] }] });
    // the backend does not serve missing.example.com/v1: 404 from its discovery is a failed check
    const failed = await waitForReason(cp, "v1.missing.example.com", "FailedDiscoveryCheck");
    expect(failed.message).toBe(`failing or missing response from https://127.0.0.1:${be.port}/apis/missing.example.com/v1: bad status from https://127.0.0.1:${be.port}/apis/missing.example.com/v1: 404`);
  });

  it("a backend that is down fails the discovery check and gets 503s; it recovers when its Endpoints point at a live server", async () => {
    const dead = await closedPort();
    await register(cp, { namespace: ns, service: "down", group: wardleGroup, version: "v1beta1", endpointPort: dead });
    const down = await waitForReason(cp, `v1beta1.${wardleGroup}`, "FailedDiscoveryCheck");
    const url = `https://127.0.0.1:${dead}/apis/${wardleGroup}/v1beta1`;
    expect(down).toMatchObject({ status: "False", message: `failing or missing response from ${url}: Get "${url}": dial tcp 127.0.0.1:${dead}: connect: connection refused` });
    const r = await api(cp, "GET", `/apis/${wardleGroup}/v1beta1/namespaces/default/flunders`);
    expect(r.status).toBe(503);
    expect((r.json as { message: string }).message).toBe("service unavailable");
    // the healthy version of the same group is unaffected
    expect((await api(cp, "GET", `/apis/${wardleGroup}/${wardleVersion}/namespaces/default/flunders`)).status).toBe(200);

    flaky = await startWardle({ requestHeaderCAPEM: cp.frontProxy.caPEM, namespace: ns, name: "down" });
    flaky.server.installResource({ group: wardleGroup, version: "v1beta1", names: { plural: "flunders", singular: "flunder", kind: "Flunder", listKind: "FlunderList" }, namespaced: true, unstructured: true });
    await must(cp, "PUT", `/api/v1/namespaces/${ns}/endpoints/down`, {
      metadata: { name: "down", namespace: ns, resourceVersion: ((await api(cp, "GET", `/api/v1/namespaces/${ns}/endpoints/down`)).json as { metadata: { resourceVersion: string } }).metadata.resourceVersion },
      subsets: [{ addresses: [{ ip: "127.0.0.1" }], ports: [{ name: "https", port: flaky.port }] }],
    });
    await waitForReason(cp, `v1beta1.${wardleGroup}`, "Passed");
    expect((await api(cp, "GET", `/apis/${wardleGroup}/v1beta1/namespaces/default/flunders`)).status).toBe(200);
    // killed without telling the control plane: the periodic re-check notices
    await flaky.stop();
    flaky = undefined;
    await waitForReason(cp, `v1beta1.${wardleGroup}`, "FailedDiscoveryCheck");
  });

  it("a backend answering garbage or never answering fails the check; the control plane stays responsive", async () => {
    const garbage = await startBrokenBackend("garbage", `garbage.${ns}.svc`);
    const silent = await startBrokenBackend("silent", `silent.${ns}.svc`);
    broken.push(garbage, silent);
    await register(cp, { namespace: ns, service: "garbage", group: "garbage.example.com", version: "v1", endpointPort: garbage.port, caBundle: garbage.caBundle });
    await register(cp, { namespace: ns, service: "silent", group: "silent.example.com", version: "v1", endpointPort: silent.port, caBundle: silent.caBundle });
    const started = Date.now();
    const quick = await api(cp, "GET", "/api/v1/namespaces");
    expect(quick.status).toBe(200);
    expect(Date.now() - started).toBeLessThan(1000);
    const [g, s] = await Promise.all([waitForReason(cp, "v1.garbage.example.com", "FailedDiscoveryCheck"), waitForReason(cp, "v1.silent.example.com", "FailedDiscoveryCheck")]);
    const gURL = `https://127.0.0.1:${garbage.port}/apis/garbage.example.com/v1`;
    expect(g.message).toBe(`failing or missing response from ${gURL}: Get "${gURL}": net/http: HTTP/1.x transport connection broken: malformed HTTP response "this is not an HTTP response at all"`);
    const sURL = `https://127.0.0.1:${silent.port}/apis/silent.example.com/v1`;
    expect(s.message).toBe(`failing or missing response from ${sURL}: Get "${sURL}": context deadline exceeded (Client.Timeout exceeded while awaiting headers)`);
    for (const group of ["garbage.example.com", "silent.example.com"]) {
      const r = await api(cp, "GET", `/apis/${group}/v1/things`);
      expect([r.status, (r.json as { reason: string }).reason]).toEqual([503, "ServiceUnavailable"]);
    }
  });

  it("discovery keeps answering: failing group-versions are listed Stale, the others Current, in priority order", async () => {
    await waitForDiscovery(cp, wardleGroup, wardleVersion);
    const legacy = (await api(cp, "GET", "/apis")).json as { groups: { name: string; versions: { version: string }[] }[] };
    const names = legacy.groups.map((g) => g.name);
    expect(names.slice(0, 2)).toEqual(["apiregistration.k8s.io", "apps"]);
    // every aggregated group sits at priority 2000, after the built-in groups, by APIService name
    expect(names.slice(names.indexOf("coordination.k8s.io") + 1)).toEqual(["emptyeps.example.com", "garbage.example.com", "missing.example.com", "noeps.example.com", "port.example.com", "silent.example.com", wardleGroup]);
    expect(legacy.groups.find((g) => g.name === wardleGroup)?.versions.map((v) => v.version)).toEqual(["v1beta1", "v1alpha1"]);
    const doc = await aggregated(cp);
    const wardle = doc.items.find((i) => i.metadata.name === wardleGroup);
    expect(wardle?.versions.map((x) => [x.version, x.freshness])).toEqual([
      ["v1beta1", "Stale"],
      ["v1alpha1", "Current"],
    ]);
    expect(wardle?.versions[1]?.resources?.map((r) => r.resource)).toEqual(["flunders"]);
    await eventually(async () => (await aggregated(cp)).items.find((i) => i.metadata.name === "silent.example.com")?.versions[0]?.freshness === "Stale");
    expect(doc.items.find((i) => i.metadata.name === "apps")?.versions[0]?.freshness).toBe("Current");
  });

  it.each(kubectlVersions)("kubectl $version still works for the other groups while aggregated servers are broken", async (v) => {
    const dir = await mkdtemp(join(tmpdir(), "kubeforge-aggregator-"));
    try {
      await cp.writeKubeconfig(join(dir, "kubeconfig"));
      const kubectl = new Kubectl(v.version, v.bin, join(dir, "kubeconfig"), join(dir, "home"));
      const res = await kubectl.run(["api-resources"]);
      // stale group-versions are left out, as kubectl does with aggregated discovery
      expect([res.code, res.stderr]).toEqual([0, ""]);
      expect(res.stdout).toMatch(/^configmaps\s+cm\s+v1\s+true\s+ConfigMap$/m);
      expect(res.stdout).toMatch(/^flunders\s+fl\s+wardle\.example\.com\/v1alpha1\s+true\s+Flunder$/m);
      expect(res.stdout).not.toContain("silent.example.com");
      expect(await kubectl.ok(["get", "namespace", "default", "-o", "name"])).toBe("namespace/default\n");
      const svc = tableRows(await kubectl.ok(["get", "apiservice", "v1.missing.example.com", "v1.silent.example.com"]));
      expect(svc.slice(1).map((r) => r.slice(0, 3))).toEqual([
        ["v1.missing.example.com", `${ns}/missing`, "False (FailedDiscoveryCheck)"],
        ["v1.silent.example.com", `${ns}/silent`, "False (FailedDiscoveryCheck)"],
      ]);
      expect(await kubectl.run(["get", "things.silent.example.com"])).toMatchObject({ code: 1, stderr: 'error: the server doesn\'t have a resource type "things"\n' });
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it("registers local APIServices for CRD groups and removes them with the CRD", async () => {
    await must(cp, "POST", "/apis/apiextensions.k8s.io/v1/customresourcedefinitions", {
      apiVersion: "apiextensions.k8s.io/v1",
      kind: "CustomResourceDefinition",
      metadata: { name: "gadgets.crd.example.com" },
      spec: {
        group: "crd.example.com",
        scope: "Namespaced",
        names: { plural: "gadgets", singular: "gadget", kind: "Gadget", listKind: "GadgetList" },
        versions: [
          { name: "v1", served: true, storage: true, schema: { openAPIV3Schema: { type: "object", "x-kubernetes-preserve-unknown-fields": true } } },
          { name: "v1beta1", served: true, storage: false, schema: { openAPIV3Schema: { type: "object", "x-kubernetes-preserve-unknown-fields": true } } },
        ],
      },
    });
    await waitForReason(cp, "v1.crd.example.com", "Local");
    const svc = (await api(cp, "GET", "/apis/apiregistration.k8s.io/v1/apiservices/v1beta1.crd.example.com")).json as { metadata: { labels: Record<string, string> }; spec: unknown };
    expect(svc.metadata.labels).toEqual({ "kube-aggregator.kubernetes.io/automanaged": "true" });
    expect(svc.spec).toEqual({ service: null, group: "crd.example.com", version: "v1beta1", groupPriorityMinimum: 1000, versionPriority: 100 });
    const builtin = (await api(cp, "GET", "/apis/apiregistration.k8s.io/v1/apiservices/v1.apps")).json as { metadata: { labels: Record<string, string> } };
    expect(builtin.metadata.labels).toEqual({ "kube-aggregator.kubernetes.io/automanaged": "onstart" });
    const group = (await api(cp, "GET", "/apis/crd.example.com")).json as { preferredVersion: { version: string } };
    expect(group.preferredVersion.version).toBe("v1");
    expect((await api(cp, "DELETE", "/apis/apiextensions.k8s.io/v1/customresourcedefinitions/gadgets.crd.example.com")).status).toBe(200);
    await eventually(async () => (await api(cp, "GET", "/apis/apiregistration.k8s.io/v1/apiservices/v1.crd.example.com")).status === 404);
    expect((await api(cp, "GET", "/apis/apiregistration.k8s.io/v1/apiservices/v1beta1.crd.example.com")).status).toBe(404);
  });
});
