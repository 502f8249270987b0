/**
 * Admission and conversion webhooks end to end: the control plane calls a real HTTPS webhook server (a separate
 * Node process, certificate for `webhook.<ns>.svc` from a CA made here) through a Service + Endpoints and through a
 * URL, and real kubectl (1.27 and 1.33) shows the results. The server listens on 127.0.0.1: the local control
 * plane accepts loopback Endpoints addresses (kube-apiserver does not), so local processes serve Services.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CoreV1Api } from "@kubernetes/client-node";
import { api, watchEvents } from "../support/http.js";
import { eventually, kubectlEnv, kubectlVersions, tableRows, uniqueName, type KubectlEnv } from "../support/kubectl.js";
import { startWebhookServer, type WebhookServer } from "./server.js";

interface HookSpec {
  name: string;
  path: string;
  /** Label the namespace must carry (namespaceSelector matchLabels {webhook-test: <value>}). */
  nsLabel: string;
  resources?: string[];
  /** rules[].scope (absent: not sent, the server defaults "*"). */
  scope?: string;
  operations?: string[];
  sideEffects?: string;
  failurePolicy?: string;
  timeoutSeconds?: number;
  objectSelector?: Record<string, string>;
  /** Call by URL (https://<ip>:port) instead of the Service. */
  byURL?: boolean;
}

describe.each(kubectlVersions)("kubectl $version: webhooks", (v) => {
  let env: KubectlEnv;
  let hook: WebhookServer;
  let svcNS: string;

  const clientConfig = (h: HookSpec): string =>
    h.byURL
      ? `    clientConfig:\n      url: https://${hook.host}:${hook.port}${h.path}\n      caBundle: ${hook.caBundle}\n`
      : `    clientConfig:\n      service: {namespace: ${svcNS}, name: webhook, path: ${h.path}}\n      caBundle: ${hook.caBundle}\n`;

  const configYAML = (kind: "MutatingWebhookConfiguration" | "ValidatingWebhookConfiguration", name: string, hooks: HookSpec[]): string =>
    `apiVersion: admissionregistration.k8s.io/v1\nkind: ${kind}\nmetadata:\n  name: ${name}\nwebhooks:\n` +
    hooks
      .map(
        (h) =>
          `  - name: ${h.name}\n` +
          clientConfig(h) +
          `    rules:\n    - operations: [${(h.operations ?? ["CREATE"]).join(", ")}]\n      apiGroups: [""]\n      apiVersions: [v1]\n      resources: [${(h.resources ?? ["configmaps"]).join(", ")}]\n` +
          (h.scope ? `      scope: ${h.scope}\n` : "") +
          `    namespaceSelector:\n      matchLabels: {webhook-test: ${h.nsLabel}}\n` +
          (h.objectSelector ? `    objectSelector:\n      matchLabels: ${JSON.stringify(h.objectSelector)}\n` : "") +
          `    sideEffects: ${h.sideEffects ?? "None"}\n    admissionReviewVersions: [v1]\n` +
          (h.failurePolicy ? `    failurePolicy: ${h.failurePolicy}\n` : "") +
          (h.timeoutSeconds ? `    timeoutSeconds: ${h.timeoutSeconds}\n` : ""),
      )
      .join("");

  /** A fresh namespace labelled webhook-test=<label>. */
  async function labelledNamespace(label: string): Promise<string> {
    const name = uniqueName("wh");
    await env.cp.kubeConfig.makeApiClient(CoreV1Api).createNamespace({ body: { metadata: { name, labels: { "webhook-test": label } } } });
    return name;
  }

  async function apply(yaml: string): Promise<void> {
    await env.kubectl.ok(["apply", "-f", await env.file("config.yaml", yaml)]);
  }

  /** Applies a webhook configuration (kubectl's default strict field validation included). */
  async function applyConfig(yaml: string): Promise<void> {
    await env.kubectl.ok(["apply", "-f", await env.file("config.yaml", yaml)]);
  }

  beforeAll(async () => {
    env = await kubectlEnv(v);
    svcNS = await env.namespace("webhook-system");
    hook = await startWebhookServer([`webhook.${svcNS}.svc`], "127.0.0.1");
    // the Service maps port 443 to the webhook's port; its Endpoints point at the process on this machine
    await apply(
      `apiVersion: v1\nkind: Service\nmetadata: {name: webhook, namespace: ${svcNS}}\nspec:\n  ports:\n  - port: 443\n    targetPort: ${hook.port}\n---\n` +
        `apiVersion: v1\nkind: Endpoints\nmetadata: {name: webhook, namespace: ${svcNS}}\nsubsets:\n- addresses: [{ip: ${hook.host}}]\n  ports: [{port: ${hook.port}}]\n`,
    );
  }, 60_000);

  afterAll(async () => {
    await hook?.stop();
    await env?.close();
  });

  it("a mutating webhook behind a Service labels objects, only in namespaces its selector picks; kubectl lists the configuration", async () => {
    await applyConfig(configYAML("MutatingWebhookConfiguration", "mutate-labels", [{ name: "mutate.kubeforge.dev", path: "/mutate", nsLabel: "mutate" }]));
    const rows = tableRows(await env.kubectl.ok(["get", "mutatingwebhookconfigurations", "mutate-labels"]));
    expect(rows[0]).toEqual(["NAME", "WEBHOOKS", "AGE"]);
    expect(rows[1]?.slice(0, 2)).toEqual(["mutate-labels", "1"]);

    const ns = await labelledNamespace("mutate");
    const created = await env.kubectl.run(["create", "configmap", "cm1", "-n", ns, "--from-literal=a=b"]);
    expect(created.code).toBe(0);
    expect(created.stderr).toContain("Warning: mutated by the test webhook");
    const labels = await env.kubectl.ok(["get", "configmap", "cm1", "-n", ns, "--show-labels", "--no-headers"]);
    expect(labels).toContain("webhook.kubeforge.dev/mutated=true");

    const other = await labelledNamespace("something-else");
    await env.kubectl.ok(["create", "configmap", "cm1", "-n", other]);
    const cm = await env.kubectl.json<{ metadata: { labels?: Record<string, string> } }>(["get", "configmap", "cm1", "-n", other]);
    expect(cm.metadata.labels?.["webhook.kubeforge.dev/mutated"]).toBeUndefined();

    const review = hook.reviews().find((r) => r.path === "/mutate" && r.request.namespace === ns);
    expect(review?.timeout).toBe("10s");
    expect(review?.request).toMatchObject({
      kind: { group: "", version: "v1", kind: "ConfigMap" },
      resource: { group: "", version: "v1", resource: "configmaps" },
      requestKind: { group: "", version: "v1", kind: "ConfigMap" },
      name: "cm1",
      operation: "CREATE",
      dryRun: false,
      userInfo: { username: "kubeforge-admin" },
      options: { kind: "CreateOptions", apiVersion: "meta.k8s.io/v1" },
    });
  });

  it("a validating webhook called by URL denies with its message, warns, and respects its objectSelector", async () => {
    await applyConfig(configYAML("ValidatingWebhookConfiguration", "deny-bad", [{ name: "deny.kubeforge.dev", path: "/validate", nsLabel: "validate", byURL: true, objectSelector: { check: "yes" } }]));
    const ns = await labelledNamespace("validate");
    const denied = await env.kubectl.run(["create", "-f", "-"], { input: `apiVersion: v1\nkind: ConfigMap\nmetadata: {name: bad-one, namespace: ${ns}, labels: {check: "yes"}}\n` });
    expect(denied.code).not.toBe(0);
    expect(denied.stderr).toContain(`admission webhook "deny.kubeforge.dev" denied the request: the name "bad-one" is not allowed by policy`);
    expect(denied.stderr).toContain("Error from server (Forbidden)");

    const raw = await api(env.cp, "POST", `/api/v1/namespaces/${ns}/configmaps`, { body: { apiVersion: "v1", kind: "ConfigMap", metadata: { name: "bad-raw", labels: { check: "yes" } } } });
    expect(raw.status).toBe(403);
    expect(raw.json).toMatchObject({ kind: "Status", status: "Failure", code: 403, message: `admission webhook "deny.kubeforge.dev" denied the request: the name "bad-raw" is not allowed by policy` });

    // not selected by the objectSelector: the webhook is not asked
    await env.kubectl.ok(["create", "configmap", "bad-but-unchecked", "-n", ns]);
    expect(hook.reviews().some((r) => r.request.name === "bad-but-unchecked")).toBe(false);

    const good = await env.kubectl.run(["create", "-f", "-"], { input: `apiVersion: v1\nkind: ConfigMap\nmetadata: {name: good-one, namespace: ${ns}, labels: {check: "yes"}}\n` });
    expect(good.code).toBe(0);
    expect(good.stderr).toContain("Warning: validated good-one by the test webhook");
  });

  it("--dry-run=server calls webhooks with sideEffects None and NoneOnDryRun, sending dryRun=true, and stores nothing", async () => {
    await applyConfig(configYAML("MutatingWebhookConfiguration", "mutate-dry", [{ name: "mutate-dry.kubeforge.dev", path: "/mutate", nsLabel: "dry", sideEffects: "NoneOnDryRun" }]));
    await applyConfig(configYAML("ValidatingWebhookConfiguration", "validate-dry", [{ name: "validate-dry.kubeforge.dev", path: "/validate", nsLabel: "dry", sideEffects: "None" }]));
    const ns = await labelledNamespace("dry");
    const out = await env.kubectl.ok(["create", "configmap", "dry1", "-n", ns, "--dry-run=server", "-o", "json"]);
    const obj = JSON.parse(out) as { metadata: { labels?: Record<string, string> } };
    expect(obj.metadata.labels?.["webhook.kubeforge.dev/mutated"]).toBe("true");
    const sent = hook.reviews().filter((r) => r.request.namespace === ns && r.request.name === "dry1");
    expect(sent.map((r) => r.path).sort()).toEqual(["/mutate", "/validate"]);
    for (const r of sent) expect(r.request).toMatchObject({ dryRun: true, options: { dryRun: ["All"] } });
    const get = await env.kubectl.run(["get", "configmap", "dry1", "-n", ns]);
    expect(get.stderr).toContain('configmaps "dry1" not found');

    const denied = await env.kubectl.run(["create", "configmap", "bad-dry", "-n", ns, "--dry-run=server"]);
    expect(denied.stderr).toContain(`admission webhook "validate-dry.kubeforge.dev" denied the request`);
  });

  it("a webhook that hangs past timeoutSeconds fails the request under Fail within about a second and is skipped under Ignore", async () => {
    await applyConfig(configYAML("ValidatingWebhookConfiguration", "hang-fail", [{ name: "hang-fail.kubeforge.dev", path: "/hang", nsLabel: "hang-fail", resources: ["secrets"], timeoutSeconds: 1 }]));
    await applyConfig(configYAML("ValidatingWebhookConfiguration", "hang-ignore", [{ name: "hang-ignore.kubeforge.dev", path: "/hang", nsLabel: "hang-ignore", resources: ["secrets"], timeoutSeconds: 1, failurePolicy: "Ignore" }]));
    const failNS = await labelledNamespace("hang-fail");
    const started = Date.now();
    const r = await env.kubectl.run(["create", "secret", "generic", "s1", "-n", failNS, "--from-literal=a=b"]);
    const took = Date.now() - started;
    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain(`Internal error occurred: failed calling webhook "hang-fail.kubeforge.dev": failed to call webhook: Post "https://webhook.${svcNS}.svc:443/hang?timeout=1s": context deadline exceeded`);
    expect(took).toBeLessThan(4_000);

    const raw = await api(env.cp, "POST", `/api/v1/namespaces/${failNS}/secrets`, { body: { apiVersion: "v1", kind: "Secret", metadata: { name: "s2" } } });
    expect(raw.status).toBe(500);
    expect(raw.json).toMatchObject({ reason: "InternalError", code: 500 });

    const ignoreNS = await labelledNamespace("hang-ignore");
    await env.kubectl.ok(["create", "secret", "generic", "s1", "-n", ignoreNS, "--from-literal=a=b"]);
    expect(await env.kubectl.ok(["get", "secret", "s1", "-n", ignoreNS, "-o", "name"])).toBe("secret/s1\n");
  });

  it("a webhook answering garbage or a wrong uid fails the request naming it, and the server keeps serving", async () => {
    await applyConfig(configYAML("MutatingWebhookConfiguration", "garbage", [{ name: "garbage.kubeforge.dev", path: "/garbage", nsLabel: "garbage" }]));
    await applyConfig(configYAML("ValidatingWebhookConfiguration", "baduid", [{ name: "baduid.kubeforge.dev", path: "/baduid", nsLabel: "baduid" }]));
    const ns = await labelledNamespace("garbage");
    const r = await env.kubectl.run(["create", "configmap", "g1", "-n", ns]);
    expect(r.stderr).toContain(`Internal error occurred: failed calling webhook "garbage.kubeforge.dev": failed to call webhook: couldn't get version/kind; json parse error: invalid character 'g' looking for beginning of value`);
    const ns2 = await labelledNamespace("baduid");
    const r2 = await env.kubectl.run(["create", "configmap", "u1", "-n", ns2]);
    expect(r2.stderr).toMatch(/failed calling webhook "baduid\.kubeforge\.dev": received invalid webhook response: expected response\.uid="[0-9a-f-]+", got "not-the-uid"/);

    expect(await env.kubectl.ok(["get", "--raw", "/readyz"])).toBe("ok");
    await env.kubectl.ok(["create", "configmap", "still-fine", "-n", svcNS]);
    // the configurations themselves are never subject to webhooks, so a broken one can always be removed
    await env.kubectl.ok(["delete", "mutatingwebhookconfiguration", "garbage"]);
    await env.kubectl.ok(["delete", "validatingwebhookconfiguration", "baduid"]);
    await env.kubectl.ok(["create", "configmap", "g1", "-n", ns]);
  });

  it("rejects invalid configurations with upstream's messages", async () => {
    const bad =
      `apiVersion: admissionregistration.k8s.io/v1\nkind: ValidatingWebhookConfiguration\nmetadata: {name: invalid}\nwebhooks:\n` +
      `- name: short\n  clientConfig: {url: "http://example.com/x?a=b"}\n  rules: [{operations: [CREATE], apiGroups: [""], apiVersions: [v1], resources: [pods, "*/*"]}]\n  timeoutSeconds: 31\n` +
      `- name: short\n  clientConfig: {service: {namespace: ns, name: svc}}\n  sideEffects: Some\n  admissionReviewVersions: [v2]\n`;
    const r = await env.kubectl.run(["create", "--validate=false", "-f", "-"], { input: bad });
    expect(r.code).not.toBe(0);
    for (const msg of [
      `webhooks[0].name: Invalid value: "short": should be a domain with at least three segments separated by dots`,
      "if '*/*' is present, must not specify other resources",
      "webhooks[0].sideEffects: Required value: must specify one of None, NoneOnDryRun",
      "webhooks[0].timeoutSeconds: Invalid value: 31: the timeout value must be between 1 and 30 seconds",
      "webhooks[0].admissionReviewVersions: Required value: must specify one of v1, v1beta1",
      `webhooks[0].clientConfig.url: Invalid value: "http": 'https' is the only allowed URL scheme; desired format: https://host[/path]`,
      `webhooks[0].clientConfig.url: Invalid value: "a=b": query parameters are not permitted in the URL`,
      `webhooks[1].name: Duplicate value: "short"`,
      `webhooks[1].sideEffects: Unsupported value: "Some": supported values: "None", "NoneOnDryRun"`,
      "must include at least one of v1, v1beta1",
    ]) {
      expect(r.stderr).toContain(msg);
    }
  });

  it("kubectl's strict field validation accepts rules[].resources and scope", async () => {
    const yaml = configYAML("ValidatingWebhookConfiguration", "strict", [{ name: "strict.kubeforge.dev", path: "/validate", nsLabel: "strict", resources: ["configmaps", "pods/status"], scope: "Namespaced" }]);
    expect(yaml).toContain("      scope: Namespaced\n");
    const r = await env.kubectl.run(["apply", "--validate=strict", "-f", await env.file("strict-config.yaml", yaml)]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toBe("validatingwebhookconfiguration.admissionregistration.k8s.io/strict created\n");
    expect(r.stderr).not.toContain("unknown field");
    const got = await env.kubectl.json<{ webhooks: { rules: Record<string, unknown>[] }[] }>(["get", "validatingwebhookconfiguration", "strict"]);
    expect(got.webhooks[0]?.rules).toEqual([{ operations: ["CREATE"], apiGroups: [""], apiVersions: ["v1"], resources: ["configmaps", "pods/status"], scope: "Namespaced" }]);
    await env.kubectl.ok(["delete", "validatingwebhookconfiguration", "strict"]);
  });

  describe("CRD conversion webhook", () => {
    const group = `conv${v.version.replace(".", "")}.kubeforge.dev`;
    const crdYAML = (): string => `apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata: {name: endpoints.${group}}
spec:
  group: ${group}
  scope: Namespaced
  names: {plural: endpoints, singular: endpoint, kind: Endpoint}
  conversion:
    strategy: Webhook
    webhook:
      conversionReviewVersions: [v1]
      clientConfig:
        caBundle: ${hook.caBundle}
        service: {namespace: ${svcNS}, name: webhook, path: /convert}
  versions:
  - name: v1
    served: true
    storage: true
    schema:
      openAPIV3Schema:
        type: object
        properties:
          spec:
            type: object
            properties:
              host: {type: string}
              port: {type: integer}
  - name: v2
    served: true
    storage: false
    schema:
      openAPIV3Schema:
        type: object
        properties:
          spec:
            type: object
            properties:
              address: {type: string}
`;
    let ns: string;

    beforeAll(async () => {
      await apply(crdYAML());
      await env.kubectl.ok(["wait", "--for=condition=established", `crd/endpoints.${group}`, "--timeout=20s"]);
      ns = await env.namespace("conv");
    });

    it("serves objects through both versions: kubectl get via v1 and v2, lists and watches", async () => {
      await apply(`apiVersion: ${group}/v1\nkind: Endpoint\nmetadata: {name: one, namespace: ${ns}}\nspec: {host: db.local, port: 5432}\n`);
      await apply(`apiVersion: ${group}/v2\nkind: Endpoint\nmetadata: {name: two, namespace: ${ns}}\nspec: {address: "cache.local:6379"}\n`);

      const oneV2 = await env.kubectl.json<{ apiVersion: string; spec: Record<string, unknown>; metadata: { labels?: Record<string, string>; uid?: string } }>(["get", `endpoints.v2.${group}`, "one", "-n", ns]);
      expect(oneV2.apiVersion).toBe(`${group}/v2`);
      expect(oneV2.spec).toEqual({ address: "db.local:5432" });
      expect(oneV2.metadata.labels).toEqual({ "converted-by": "test-webhook" });
      const twoV1 = await env.kubectl.json<{ apiVersion: string; spec: Record<string, unknown> }>(["get", `endpoints.v1.${group}`, "two", "-n", ns]);
      expect(twoV1).toMatchObject({ apiVersion: `${group}/v1`, spec: { host: "cache.local", port: 6379 } });

      const listV2 = await env.kubectl.json<{ items: { apiVersion: string; metadata: { name: string }; spec: Record<string, unknown> }[] }>(["get", `endpoints.v2.${group}`, "-n", ns]);
      expect(listV2.items.map((i) => [i.metadata.name, i.apiVersion, i.spec])).toEqual([
        ["one", `${group}/v2`, { address: "db.local:5432" }],
        ["two", `${group}/v2`, { address: "cache.local:6379" }],
      ]);
      // one ConversionReview for the list page
      const listCalls = hook.reviews().filter((r) => r.path === "/convert" && (r.request["objects"] as unknown[]).length === 2);
      expect(listCalls.length).toBeGreaterThan(0);
      // selectors see the stored objects (as upstream's watch cache): only "two" was stored through the webhook
      const table = tableRows(await env.kubectl.ok(["get", `endpoints.v2.${group}`, "-n", ns, "-l", "converted-by=test-webhook"]));
      expect(table.slice(1).map((r) => r[0])).toEqual(["two"]);

      const w = await watchEvents(env.cp, `/apis/${group}/v2/namespaces/${ns}/endpoints?watch=true`, (evs) => evs.length >= 2, 10_000);
      // initial events come converted
      expect(w.events.slice(0, 2).map((e) => [e.type, e.object.metadata?.name, (e.object["spec"] as Record<string, unknown>)["address"]])).toEqual([
        ["ADDED", "one", "db.local:5432"],
        ["ADDED", "two", "cache.local:6379"],
      ]);
    });

    it("delivers watch events converted and in order", async () => {
      const watch = env.kubectl.background(["get", `endpoints.v2.${group}`, "-n", ns, "--watch", "--output-watch-events", "-o", "jsonpath={.type} {.object.metadata.name} {.object.spec.address}{\"\\n\"}"]);
      await watch.waitForOutput(/ADDED two cache\.local:6379/);
      for (let i = 0; i < 5; i++) await env.kubectl.ok(["patch", `endpoints.v1.${group}`, "one", "-n", ns, "--type=merge", "-p", JSON.stringify({ spec: { port: 6000 + i } })]);
      await watch.waitForOutput(/MODIFIED one db\.local:6004/);
      await watch.stop();
      const modified = watch.stdout().split("\n").filter((l) => l.startsWith("MODIFIED one"));
      expect(modified).toEqual([0, 1, 2, 3, 4].map((i) => `MODIFIED one db.local:${6000 + i}`));
    });

    it("reports a failing conversion webhook as upstream does", async () => {
      await env.kubectl.ok(["patch", `crd/endpoints.${group}`, "--type=json", "-p", JSON.stringify([{ op: "replace", path: "/spec/conversion/webhook/clientConfig/service/path", value: "/garbage" }])]);
      let last = "";
      await eventually(async () => {
        const r = await api(env.cp, "GET", `/apis/${group}/v2/namespaces/${ns}/endpoints/one`);
        last = r.text;
        return r.status === 500 && r.text.includes("json parse error");
      }, 20_000, 200);
      const r = await env.kubectl.run(["get", `endpoints.v2.${group}`, "one", "-n", ns]);
      expect(r.stderr).toContain(`Error from server: conversion webhook for ${group}/v1, Kind=Endpoint failed: couldn't get version/kind; json parse error`);
      expect(last).toContain('"code":500');
    });
  });
});
