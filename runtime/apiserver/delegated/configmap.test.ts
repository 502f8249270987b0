/**
 * Authentication configuration loaded like upstream: kube-system/extension-apiserver-authentication read
 * through the delegation kubeconfig from a real control plane, followed as it changes (CA rotation, allowed
 * names), invalid values ignored, and the start-up failure when it cannot be read.
 */
import { request } from "node:https";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Client } from "../../client/client.js";
import { isNotFound } from "../../core/errors.js";
import type { KubeObject } from "../../core/object.js";
import { startControlPlane, type RunningControlPlane } from "../../testing/index.js";
import { AggregatedAPIServer } from "../aggregated/server.js";
import { createCA, type CertificateAuthority, type KeyPairPEM } from "../certs.js";
import type { ResourceDefinition } from "../resource.js";
import { DelegatingAuthenticator } from "./authentication.js";
import { authenticationConfigMapName, authenticationConfigMapNamespace, configMapKeys } from "./configmap.js";

const group = "wardle.example.com";
const identities: ResourceDefinition = {
  group,
  version: "v1alpha1",
  namespaced: false,
  names: { plural: "identities", singular: "identity", kind: "Identity", listKind: "IdentityList" },
};

let cp: RunningControlPlane;
let admin: Client;
let proxyCA1: CertificateAuthority;
let proxyCA2: CertificateAuthority;
let proxy1: KeyPairPEM;
let proxy2: KeyPairPEM;
let otherCN2: KeyPairPEM;
const servers: AggregatedAPIServer[] = [];

interface Reply {
  status: number;
  body: Record<string, unknown>;
}

function whoami(server: AggregatedAPIServer, opts: { cert?: KeyPairPEM; headers?: Record<string, string | string[]> } = {}): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const r = request(
      `${server.url}/apis/${group}/v1alpha1/identities/me`,
      { ca: server.serving?.caPEM, agent: false, headers: { Accept: "application/json", ...opts.headers }, ...(opts.cert ? { cert: opts.cert.certPEM, key: opts.cert.keyPEM } : {}) },
      (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (c: Buffer) => chunks.push(c));
        res.on("end", () => resolve({ status: res.statusCode ?? 0, body: JSON.parse(Buffer.concat(chunks).toString("utf8") || "{}") as Record<string, unknown> }));
      },
    );
    r.on("error", reject);
    r.end();
  });
}

async function eventually(check: () => Promise<boolean>, what: string, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

async function newServer(opts: ConstructorParameters<typeof AggregatedAPIServer>[0] = {}): Promise<AggregatedAPIServer> {
  const s = new AggregatedAPIServer({ kubeConfig: cp.kubeConfig, host: "127.0.0.1", ...opts });
  s.installComputedResource(identities, {
    get: (ctx, _ns, name) => ({ apiVersion: "", kind: "", metadata: { name }, user: ctx.user }) as KubeObject,
    list: () => [],
  });
  servers.push(s);
  await s.start();
  return s;
}

async function getConfigMap(namespace: string, name: string): Promise<KubeObject | undefined> {
  try {
    return await admin.get({ apiVersion: "v1", kind: "ConfigMap", namespace, name });
  } catch (err) {
    if (isNotFound(err)) return undefined;
    throw err;
  }
}

async function putConfigMap(namespace: string, name: string, data: Record<string, string>): Promise<void> {
  const cm = await getConfigMap(namespace, name);
  if (cm) await admin.update({ ...cm, data } as KubeObject);
  else await admin.create({ apiVersion: "v1", kind: "ConfigMap", metadata: { name, namespace }, data } as KubeObject);
}

const alice = (cert: KeyPairPEM) => ({ cert, headers: { "X-Remote-User": "alice", "X-Remote-Group": ["team-a", "team-b"] } });

beforeAll(async () => {
  cp = await startControlPlane();
  admin = new Client(cp.kubeConfig, { qps: 0 });
  [proxyCA1, proxyCA2] = await Promise.all([createCA("front-proxy-ca-1"), createCA("front-proxy-ca-2")]);
  [proxy1, proxy2, otherCN2] = await Promise.all([
    proxyCA1.issue({ subject: "CN=front-proxy-client", client: true }),
    proxyCA2.issue({ subject: "CN=front-proxy-client", client: true }),
    proxyCA2.issue({ subject: "CN=someone-else", client: true }),
  ]);
  await admin.create({ apiVersion: "rbac.authorization.k8s.io/v1", kind: "ClusterRole", metadata: { name: "identity-viewer" }, rules: [{ apiGroups: [group], resources: ["identities"], verbs: ["get"] }] } as KubeObject);
  await admin.create({
    apiVersion: "rbac.authorization.k8s.io/v1",
    kind: "ClusterRoleBinding",
    metadata: { name: "identity-viewers" },
    roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "ClusterRole", name: "identity-viewer" },
    subjects: [{ kind: "Group", apiGroup: "rbac.authorization.k8s.io", name: "system:authenticated" }],
  } as KubeObject);
});

afterAll(async () => {
  for (const s of servers) await s.stop();
  admin?.close();
  await cp?.stop();
});

describe("the extension-apiserver-authentication ConfigMap", () => {
  it("is the default configuration: front-proxy CA, allowed names, header names and client CA come from it", async () => {
    // the control plane publishes it (with its front-proxy credentials); a control plane that does not yet gets
    // it published here as kube-apiserver would
    const published = await getConfigMap(authenticationConfigMapNamespace, authenticationConfigMapName);
    const cpProxy = (cp as unknown as { frontProxy?: KeyPairPEM }).frontProxy;
    let proxy = proxy1;
    if (published && cpProxy) {
      proxy = cpProxy;
    } else {
      const data: Record<string, string> = { ...(published?.data as Record<string, string> | undefined) };
      data[configMapKeys.clientCA] = [data[configMapKeys.clientCA], cp.credentials.caPEM].filter(Boolean).join("\n");
      data[configMapKeys.requestHeaderClientCA] = [data[configMapKeys.requestHeaderClientCA], proxyCA1.certPEM].filter(Boolean).join("\n");
      const names = JSON.parse(data[configMapKeys.allowedNames] ?? "[]") as string[];
      data[configMapKeys.allowedNames] = JSON.stringify(names.includes("front-proxy-client") ? names : [...names, "front-proxy-client"]);
      data[configMapKeys.usernameHeaders] ??= JSON.stringify(["X-Remote-User"]);
      data[configMapKeys.groupHeaders] ??= JSON.stringify(["X-Remote-Group"]);
      data[configMapKeys.extraHeaderPrefixes] ??= JSON.stringify(["X-Remote-Extra-"]);
      await putConfigMap(authenticationConfigMapNamespace, authenticationConfigMapName, data);
    }

    const server = await newServer();
    const viaProxy = await whoami(server, alice(proxy));
    expect(viaProxy.status).toBe(200);
    expect(viaProxy.body.user).toEqual({ username: "alice", groups: ["team-a", "team-b", "system:authenticated"], extra: {} });
    // the control plane's own admin certificate, through client-ca-file
    const asAdmin = await whoami(server, { cert: { certPEM: cp.credentials.certPEM, keyPEM: cp.credentials.keyPEM }, headers: { "X-Remote-User": "mallory" } });
    expect(asAdmin.body.user).toEqual({ username: "kubeforge-admin", groups: ["system:masters", "system:authenticated"] });
    // forged headers without a certificate: anonymous, and anonymous may not read identities
    const forged = await whoami(server, { headers: { "X-Remote-User": "system:admin", "X-Remote-Group": "system:masters" } });
    expect(forged.status).toBe(403);
    expect(forged.body.message).toBe(`identities.${group} "me" is forbidden: User "system:anonymous" cannot get resource "identities" in API group "${group}" at the cluster scope`);
    // the allowed CN from a CA the ConfigMap does not name
    const stranger = await (await createCA("stranger")).issue({ subject: "CN=front-proxy-client", client: true });
    expect((await whoami(server, alice(stranger))).status).toBe(401);
  });

  it("is followed: a CA appearing, a rotated CA and changed allowed names apply without a restart; invalid values are ignored", async () => {
    const namespace = "auth-config-test";
    await admin.create({ apiVersion: "v1", kind: "Namespace", metadata: { name: namespace } } as KubeObject);
    const errors: string[] = [];
    const server = await newServer({ authentication: { configMap: { namespace, onError: (e) => errors.push(e.message) } } });
    // no ConfigMap yet: the start does not fail; front-proxy certificates are not trusted (anonymous → 403)
    const before = await whoami(server, alice(proxy1));
    expect(before.status).toBe(403);
    expect(before.body.message).toContain('User "system:anonymous"');

    const base = {
      [configMapKeys.usernameHeaders]: '["X-Remote-User"]',
      [configMapKeys.groupHeaders]: '["X-Remote-Group"]',
      [configMapKeys.extraHeaderPrefixes]: '["X-Remote-Extra-"]',
      [configMapKeys.clientCA]: cp.credentials.caPEM,
    };
    await putConfigMap(namespace, authenticationConfigMapName, { ...base, [configMapKeys.requestHeaderClientCA]: proxyCA1.certPEM, [configMapKeys.allowedNames]: '["front-proxy-client"]' });
    await eventually(async () => (await whoami(server, alice(proxy1))).status === 200, "the first CA");

    await putConfigMap(namespace, authenticationConfigMapName, { ...base, [configMapKeys.requestHeaderClientCA]: proxyCA2.certPEM, [configMapKeys.allowedNames]: '["front-proxy-client"]' });
    await eventually(async () => (await whoami(server, alice(proxy1))).status === 401, "the old CA to be dropped");
    expect((await whoami(server, alice(proxy2))).body.user).toMatchObject({ username: "alice" });
    expect((await whoami(server, alice(otherCN2))).status).toBe(401);

    await putConfigMap(namespace, authenticationConfigMapName, { ...base, [configMapKeys.requestHeaderClientCA]: proxyCA2.certPEM, [configMapKeys.allowedNames]: '["someone-else"]' });
    await eventually(async () => (await whoami(server, alice(proxy2))).status === 401, "the allowed names to change");
    expect((await whoami(server, alice(otherCN2))).status).toBe(200);

    // an unparsable list keeps the previous lists (and is reported)
    await putConfigMap(namespace, authenticationConfigMapName, { ...base, [configMapKeys.requestHeaderClientCA]: proxyCA2.certPEM, [configMapKeys.allowedNames]: "front-proxy-client" });
    await eventually(async () => errors.some((e) => e.startsWith(`${configMapKeys.allowedNames}:`)), "the invalid value to be reported");
    expect((await whoami(server, alice(proxy2))).status).toBe(401);
    expect((await whoami(server, alice(otherCN2))).status).toBe(200);

    // empty allowed names: any certificate of the CA
    await putConfigMap(namespace, authenticationConfigMapName, { ...base, [configMapKeys.requestHeaderClientCA]: proxyCA2.certPEM });
    await eventually(async () => (await whoami(server, alice(proxy2))).status === 200, "empty allowed names");
    expect((await whoami(server, alice(otherCN2))).status).toBe(200);

    // a deleted ConfigMap keeps the last configuration
    await admin.delete({ apiVersion: "v1", kind: "ConfigMap", namespace, name: authenticationConfigMapName });
    await new Promise((r) => setTimeout(r, 200));
    expect((await whoami(server, alice(proxy2))).status).toBe(200);
  });

  it("cannot be read with a kubeconfig lacking the reader role: start fails unless lookup failures are tolerated", async () => {
    await admin.create({ apiVersion: "v1", kind: "ServiceAccount", metadata: { name: "nobody", namespace: "default" } } as KubeObject);
    const kc = cp.kubeConfigForToken(await cp.serviceAccountToken("default", "nobody"));
    const strict = new DelegatingAuthenticator({ kubeConfig: kc });
    await expect(strict.start()).rejects.toThrow(
      /^unable to load configmap based request-header-client-ca-file: unable to get configmap\/extension-apiserver-authentication in kube-system\. Usually fixed by 'kubectl create rolebinding -n kube-system ROLEBINDING_NAME --role=extension-apiserver-authentication-reader --serviceaccount=YOUR_NS:YOUR_SA'/,
    );
    await strict.stop();
    const warnings: string[] = [];
    const tolerant = new DelegatingAuthenticator({ kubeConfig: kc, tolerateInClusterLookupFailure: true, configMap: { onError: (e) => warnings.push(e.message) } });
    await tolerant.start();
    expect(tolerant.requestHeaderConfig()).toBeUndefined();
    expect(warnings.some((w) => w.includes("This may treat all requests as anonymous"))).toBe(true);
    await tolerant.stop();
  });
});
