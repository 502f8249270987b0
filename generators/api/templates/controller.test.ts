/** The <%= kind %> controller against a local control plane with this project's CRDs installed. */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { findStatusCondition, waitForObject } from "kubeforge";
import { startTestEnvironment, type TestEnvironment } from "kubeforge/testing";
import { <%= lowerKind %>Type, type <%= kind %> } from "<%= typesImport %>";
import { setup<%= kind %>Controller } from "./<%= fileBase %>.controller.js";

let env: TestEnvironment;

beforeAll(async () => {
  env = await startTestEnvironment({ crdDirectoryPaths: ["config/crd/bases"] });
  setup<%= kind %>Controller(env.manager);
  await env.start();
});

afterAll(async () => {
  await env?.stop();
});

describe("<%= kind %> controller", () => {
  it("reconciles a new <%= kind %> and reports Ready", async () => {
    const client = env.manager.client;
    const ref = { ...<%= lowerKind %>Type, name: "test-resource"<% if (namespaced) { %>, namespace: "default"<% } %> };
    await client.create<<%= kind %>>({ ...<%= lowerKind %>Type, metadata: { name: ref.name<% if (namespaced) { %>, namespace: ref.namespace<% } %> }, spec: { foo: "bar" } });
    const ready = await waitForObject<<%= kind %>>(client, ref, (o) => findStatusCondition(o.status?.conditions ?? [], "Ready")?.status === "True", { timeoutMs: 10_000 });
    expect(findStatusCondition(ready.status?.conditions ?? [], "Ready")).toMatchObject({ reason: "Reconciled", observedGeneration: 1 });
  });
});
