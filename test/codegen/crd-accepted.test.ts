/** End to end: the CRDs generated from the golden fixture are accepted by the local control plane, become Established and validate objects. */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { parse } from "yaml";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { generate } from "../../src/codegen/index.js";
import { startControlPlane, type RunningControlPlane } from "../../runtime/testing/index.js";
import { api } from "../support/http.js";

const root = join(new URL("../../src/codegen/testdata/full/", import.meta.url).pathname);
let cp: RunningControlPlane;

beforeAll(async () => {
  cp = await startControlPlane();
});
afterAll(async () => {
  await cp?.stop();
});

async function established(name: string): Promise<boolean> {
  for (let i = 0; i < 50; i++) {
    const r = await api(cp, "GET", `/apis/apiextensions.k8s.io/v1/customresourcedefinitions/${name}`);
    const conds = ((r.json as { status?: { conditions?: { type: string; status: string }[] } }).status?.conditions ?? []);
    if (conds.some((c) => c.type === "Established" && c.status === "True")) return true;
    await new Promise((res) => setTimeout(res, 100));
  }
  return false;
}

describe("generated CRDs on the local control plane", () => {
  it("are created, become Established, and validate objects", async () => {
    const crds = generate({ root }).filter((f) => f.path.includes("/crd/bases/"));
    expect(crds.length).toBe(2);
    for (const f of crds) {
      const crd = parse(f.content) as { metadata: { name: string } };
      const r = await api(cp, "POST", "/apis/apiextensions.k8s.io/v1/customresourcedefinitions", { body: crd });
      expect(r.status, r.text).toBe(201);
      expect(await established(crd.metadata.name)).toBe(true);
    }
    const ok = await api(cp, "POST", "/apis/webapp.example.com/v2/namespaces/default/guestbooks", { body: { apiVersion: "webapp.example.com/v2", kind: "Guestbook", metadata: { name: "ok" }, spec: { size: 1 } } });
    expect(ok.status, ok.text).toBe(201);
    const bad = await api(cp, "POST", "/apis/webapp.example.com/v2/namespaces/default/guestbooks", { body: { apiVersion: "webapp.example.com/v2", kind: "Guestbook", metadata: { name: "bad" }, spec: { size: -1 } } });
    expect(bad.status, bad.text).toBe(422);
    expect(bad.text).toContain("spec.size");
    // a discriminated union (Source = GitSource | BucketSource | {type: "inline"}): the chosen member's fields only
    const gb = (name: string, source: object) => api(cp, "POST", "/apis/webapp.example.com/v2/namespaces/default/guestbooks", { body: { apiVersion: "webapp.example.com/v2", kind: "Guestbook", metadata: { name }, spec: { size: 1, source } } });
    const git = await gb("git", { type: "git", url: "https://example.com/gb.git", branch: "main" });
    expect(git.status, git.text).toBe(201);
    const mixed = await gb("mixed", { type: "s3", bucket: "b", url: "https://example.com/gb.git" });
    expect(mixed.status, mixed.text).toBe(422);
    expect(mixed.text).toContain('when type is \\"s3\\", bucket must be set and branch, entries, url must not be set');
    const missing = await gb("missing", { type: "git" });
    expect(missing.status, missing.text).toBe(422);
    expect(missing.text).toContain('when type is \\"git\\", url must be set');
    const unknown = await gb("unknown", { type: "ftp" });
    expect(unknown.status, unknown.text).toBe(422);
    expect(unknown.text).toContain('spec.source.type: Unsupported value: \\"ftp\\": supported values: \\"git\\", \\"s3\\", \\"inline\\"');
  });

  it("the CRDs generated from the TypeScript twins of controller-gen's own fixtures (cronjob, oneofs) are accepted and enforce their rules", async () => {
    for (const fixture of ["cronjob", "oneof"]) {
      const dir = new URL(`../../src/codegen/testdata/controller-gen/${fixture}/`, import.meta.url).pathname;
      for (const f of generate({ root: dir }).filter((x) => x.path.includes("/crd/bases/"))) {
        const crd = parse(f.content) as { metadata: { name: string } };
        if (fixture === "cronjob") {
          // upstream's fixture has a messageExpression that is not valid CEL (len() of a field of a string);
          // the API server compiles it and refuses the CRD, as kube-apiserver does
          const refused = await api(cp, "POST", "/apis/apiextensions.k8s.io/v1/customresourcedefinitions", { body: crd });
          expect(refused.status, refused.text).toBe(422);
          expect((refused.json as { details: { causes: { field: string }[] } }).details.causes.map((c) => c.field)).toEqual([
            "spec.versions[0].schema.openAPIV3Schema.properties[spec].properties[stringWithEvenLengthAndMessageExpression].x-kubernetes-validations[0].messageExpression",
          ]);
          const rule = (crd as unknown as { spec: { versions: { schema: { openAPIV3Schema: { properties: { spec: { properties: Record<string, { "x-kubernetes-validations": { messageExpression?: string }[] }> } } } } }[] } }).spec.versions[0]?.schema.openAPIV3Schema.properties.spec.properties.stringWithEvenLengthAndMessageExpression?.["x-kubernetes-validations"][0];
          if (rule) rule.messageExpression = "'Length has to be even but is ' + string(size(self)) + ' instead'";
        }
        const r = await api(cp, "POST", "/apis/apiextensions.k8s.io/v1/customresourcedefinitions", { body: crd });
        expect(r.status, r.text).toBe(201);
        expect(await established(crd.metadata.name)).toBe(true);
      }
    }
    // controller-gen's own golden for the cronjob fixture has a schemaless field, which the API server refuses
    // (why kubeforge asks for +kubebuilder:pruning:PreserveUnknownFields with +kubebuilder:validation:Schemaless)
    const upstream = parse(readFileSync(new URL("../../src/codegen/testdata/controller-gen/upstream/testdata.kubebuilder.io_cronjobs.yaml", import.meta.url), "utf8")) as { metadata: { name: string } };
    upstream.metadata.name = "cronjobs.testdata.kubebuilder.io";
    await api(cp, "DELETE", "/apis/apiextensions.k8s.io/v1/customresourcedefinitions/cronjobs.testdata.kubebuilder.io");
    const refused = await api(cp, "POST", "/apis/apiextensions.k8s.io/v1/customresourcedefinitions", { body: upstream });
    expect(refused.status, refused.text).toBe(422);
    expect(refused.text).toContain("spec.versions[0].schema.openAPIV3Schema.properties[spec].properties[schemaless].type: Required value: must not be empty for specified object fields");
    const oneof = (name: string, spec: object) => api(cp, "POST", "/apis/testdata.kubebuilder.io/v1beta1/namespaces/default/oneofs", { body: { apiVersion: "testdata.kubebuilder.io/v1beta1", kind: "Oneof", metadata: { name }, spec } });
    const ok = await oneof("ok", { firstTypeWithExactOneof: { foo: "a" }, firstCustomTypeAlias: 200 });
    expect(ok.status, ok.text).toBe(201);
    const two = await oneof("two", { firstTypeWithExactOneof: { foo: "a", bar: "b" } });
    expect(two.status, two.text).toBe(422);
    expect(two.text).toContain("exactly one of the fields in [foo bar] must be set");
    const small = await oneof("small", { firstCustomTypeAlias: 5 });
    expect(small.status, small.text).toBe(422);
    expect(small.text).toContain("invalid CustomTypeAlias value");
  });
});
