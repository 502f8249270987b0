/**
 * startTestEnvironment's webhookInstallOptions (envtest's WebhookInstallOptions), as a scaffolded project's
 * tests use them: the manager's own webhook handlers served on 127.0.0.1 with a certificate from the test CA,
 * the configurations of a manifests file installed pointing at them, and a CRD's conversion sent to /convert —
 * each reached through the API server.
 */
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { stringify } from "yaml";
import type { KubeObject } from "../../runtime/core/object.js";
import { startTestEnvironment, type TestEnvironment } from "../../runtime/testing/index.js";
import { webhookManagedBy } from "../../runtime/webhook/index.js";

interface Widget extends KubeObject {
  spec?: { size?: number; color?: string; colour?: string };
}

const schema = (spec: Record<string, unknown>) => ({ openAPIV3Schema: { type: "object", properties: { spec: { type: "object", properties: spec } } } });
const crd = {
  apiVersion: "apiextensions.k8s.io/v1",
  kind: "CustomResourceDefinition",
  metadata: { name: "widgets.test.kubeforge.dev" },
  spec: {
    group: "test.kubeforge.dev",
    scope: "Namespaced",
    names: { plural: "widgets", singular: "widget", kind: "Widget", listKind: "WidgetList" },
    versions: [
      { name: "v1", served: true, storage: true, schema: schema({ size: { type: "integer" }, color: { type: "string" } }) },
      { name: "v2", served: true, storage: false, schema: schema({ size: { type: "integer" }, colour: { type: "string" } }) },
    ],
  },
};
// what `kubeforge generate` writes for the +kubebuilder:webhook markers (service references, as deployed)
const hook = (name: string, path: string) => ({
  admissionReviewVersions: ["v1"],
  clientConfig: { service: { name: "webhook-service", namespace: "system", path } },
  failurePolicy: "Fail",
  name,
  rules: [{ apiGroups: ["test.kubeforge.dev"], apiVersions: ["v1"], operations: ["CREATE", "UPDATE"], resources: ["widgets"] }],
  sideEffects: "None",
});
const manifests = [
  { apiVersion: "admissionregistration.k8s.io/v1", kind: "MutatingWebhookConfiguration", metadata: { name: "mutating-webhook-configuration" }, webhooks: [hook("mwidget-v1.kb.io", "/mutate-test-kubeforge-dev-v1-widget")] },
  { apiVersion: "admissionregistration.k8s.io/v1", kind: "ValidatingWebhookConfiguration", metadata: { name: "validating-webhook-configuration" }, webhooks: [hook("vwidget-v1.kb.io", "/validate-test-kubeforge-dev-v1-widget")] },
];

let dir: string;
let env: TestEnvironment;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "kf-testenv-webhooks-"));
  await writeFile(join(dir, "crd.yaml"), stringify(crd));
  await writeFile(join(dir, "manifests.yaml"), manifests.map((m) => `---\n${stringify(m)}`).join(""));
  env = await startTestEnvironment({ crdDirectoryPaths: [join(dir, "crd.yaml")], webhookInstallOptions: { paths: [join(dir, "manifests.yaml")], conversionCRDs: ["widgets.test.kubeforge.dev"] } });
  webhookManagedBy<Widget>(env.manager)
    .for({ apiVersion: "test.kubeforge.dev/v1", kind: "Widget" })
    .withDefaulter({
      default(obj) {
        obj.spec ??= {};
        obj.spec.size ??= 3;
      },
    })
    .withValidator({
      validateCreate(obj) {
        if ((obj.spec?.size ?? 0) > 10) throw new Error("spec.size: must be at most 10");
        return [];
      },
      validateUpdate: () => [],
      validateDelete: () => [],
    })
    .withConverter((obj, desired) => {
      const w = obj as Widget;
      const spec = { ...w.spec };
      if (desired.endsWith("/v2")) {
        if (spec.color !== undefined) spec.colour = spec.color;
        delete spec.color;
      } else {
        if (spec.colour !== undefined) spec.color = spec.colour;
        delete spec.colour;
      }
      return { ...w, apiVersion: desired, spec };
    })
    .complete();
  await env.start();
});

afterAll(async () => {
  await env?.stop();
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe("startTestEnvironment with webhookInstallOptions", () => {
  it("installs the configurations of the manifests, pointing at 127.0.0.1 with the test CA", async () => {
    expect(env.webhooks?.url).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
    const got = await env.manager.client.get<KubeObject & { webhooks: { clientConfig: { url?: string; caBundle?: string; service?: unknown } }[] }>({
      apiVersion: "admissionregistration.k8s.io/v1",
      kind: "MutatingWebhookConfiguration",
      name: "mutating-webhook-configuration",
    });
    expect(got.webhooks[0]?.clientConfig.url).toBe(`${env.webhooks?.url}/mutate-test-kubeforge-dev-v1-widget`);
    expect(got.webhooks[0]?.clientConfig.service).toBeUndefined();
    expect(Buffer.from(got.webhooks[0]?.clientConfig.caBundle ?? "", "base64").toString()).toBe(env.controlPlane.credentials.caPEM);
  });

  it("defaults through the API server's mutating webhook", async () => {
    const created = await env.manager.client.create<Widget>({ apiVersion: "test.kubeforge.dev/v1", kind: "Widget", metadata: { name: "defaulted", namespace: "default" }, spec: {} });
    expect(created.spec?.size).toBe(3);
  });

  it("rejects through the validating webhook with the handler's message", async () => {
    await expect(env.manager.client.create<Widget>({ apiVersion: "test.kubeforge.dev/v1", kind: "Widget", metadata: { name: "too-big", namespace: "default" }, spec: { size: 11 } })).rejects.toThrow(
      /admission webhook "vwidget-v1\.kb\.io" denied the request: spec\.size: must be at most 10/,
    );
  });

  it("converts through /convert: created as v1, read as v2 (and back)", async () => {
    await env.manager.client.create<Widget>({ apiVersion: "test.kubeforge.dev/v1", kind: "Widget", metadata: { name: "blue", namespace: "default" }, spec: { size: 1, color: "blue" } });
    const v2 = await env.manager.client.get<Widget>({ apiVersion: "test.kubeforge.dev/v2", kind: "Widget", name: "blue", namespace: "default" });
    expect(v2.apiVersion).toBe("test.kubeforge.dev/v2");
    expect(v2.spec).toEqual({ size: 1, colour: "blue" });
    const v1 = await env.manager.client.get<Widget>({ apiVersion: "test.kubeforge.dev/v1", kind: "Widget", name: "blue", namespace: "default" });
    expect(v1.spec).toEqual({ size: 1, color: "blue" });
  });

  it("names a missing manifests file", async () => {
    await expect(startTestEnvironment({ webhookInstallOptions: { paths: [join(dir, "nope.yaml")] } })).rejects.toThrow(/webhook manifest path .*nope\.yaml does not exist/);
  });
});
