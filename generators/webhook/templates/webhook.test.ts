/**
 * The <%= kind %> webhooks through the API server: a local control plane with this project's CRDs and the
 * webhook configurations of config/webhook/manifests.yaml, which point at the manager's webhook server on
 * 127.0.0.1 (certificate from the test CA), so each request below is admitted<% if (conversion) { %> and converted<% } %> by the handlers in
 * <%= fileBase %>.webhook.ts as it will be in a cluster.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestEnvironment, type TestEnvironment } from "kubeforge/testing";
import { <%= lowerKind %>Type, type <%= kind %> } from "<%= typesImportFromTest %>";
import { setup<%= kind %>Webhook } from "./<%= fileBase %>.webhook.js";

let env: TestEnvironment;

beforeAll(async () => {
  env = await startTestEnvironment({
    crdDirectoryPaths: ["config/crd/bases"],
    webhookInstallOptions: { paths: ["config/webhook/manifests.yaml"]<% if (conversion) { %>, conversionCRDs: ["<%= plural %>.<%= fullGroup %>"]<% } %> },
  });
  setup<%= kind %>Webhook(env.manager);
  await env.start();
});

afterAll(async () => {
  await env?.stop();
});

const object = (name: string, spec: <%= kind %>["spec"]): <%= kind %> => ({ ...<%= lowerKind %>Type, metadata: { name<% if (namespaced) { %>, namespace: "default"<% } %> }, spec });

describe("<%= kind %> webhooks", () => {
<% if (defaulting) { -%>
  it("defaults spec.foo when a <%= kind %> is created", async () => {
    const created = await env.manager.client.create<<%= kind %>>(object("defaulted", {}));
    expect(created.spec?.foo).toBe("default");
  });
<% } -%>
<% if (validation) { -%>
  it("rejects a forbidden spec.foo and admits others", async () => {
    await expect(env.manager.client.create<<%= kind %>>(object("forbidden", { foo: "forbidden" }))).rejects.toThrow('spec.foo: "forbidden" is not allowed');
    const ok = await env.manager.client.create<<%= kind %>>(object("allowed", { foo: "ok" }));
    expect(ok.metadata.uid).toBeDefined();
  });
<% } -%>
<% if (conversion) { -%>
<% for (const spoke of spokes) { -%>
  it("serves a <%= kind %> created as <%= version %> in <%= spoke %>, through the conversion webhook", async () => {
    await env.manager.client.create<<%= kind %>>(object("converted-<%= spoke %>", { foo: "x" }));
    const read = await env.manager.client.get<<%= kind %>>({ apiVersion: "<%= fullGroup %>/<%= spoke %>", kind: "<%= kind %>", name: "converted-<%= spoke %>"<% if (namespaced) { %>, namespace: "default"<% } %> });
    expect(read.apiVersion).toBe("<%= fullGroup %>/<%= spoke %>");
  });
<% } -%>
<% } -%>
});
