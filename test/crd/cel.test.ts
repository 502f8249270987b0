/** x-kubernetes-validations end to end: CRD-time compilation and cost checks, CR validation with real kubectl and the raw API. */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startControlPlane, type RunningControlPlane } from "../../runtime/testing/index.js";
import { api } from "../support/http.js";
import { kubectlEnv, kubectlVersions, type KubectlEnv } from "../support/kubectl.js";

const crdYAML = (plural: string, kind: string): string => `apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata:
  name: ${plural}.cel.kubeforge.dev
spec:
  group: cel.kubeforge.dev
  scope: Namespaced
  names:
    plural: ${plural}
    kind: ${kind}
  versions:
  - name: v1
    served: true
    storage: true
    subresources:
      status: {}
    schema:
      openAPIV3Schema:
        type: object
        x-kubernetes-validations:
        - rule: "self.metadata.name.size() <= 20"
          message: name must be at most 20 characters
        properties:
          spec:
            type: object
            x-kubernetes-validations:
            - rule: "self.minReplicas <= self.maxReplicas"
              messageExpression: "'minReplicas (' + string(self.minReplicas) + ') must not exceed maxReplicas (' + string(self.maxReplicas) + ')'"
            - rule: "!has(self.mode) || self.mode != 'legacy'"
              message: legacy mode is no longer supported
              reason: FieldValueForbidden
              fieldPath: .mode
            - rule: "self.maxReplicas < 100"
              message: maxReplicas is too large
              messageExpression: "'maxReplicas is too large for tier ' + self.tier"
            properties:
              minReplicas: {type: integer}
              maxReplicas: {type: integer}
              mode: {type: string, maxLength: 16}
              tier: {type: string, maxLength: 16}
              storageClass:
                type: string
                maxLength: 63
                x-kubernetes-validations:
                - rule: "self == oldSelf"
                  message: storageClass is immutable
              ports:
                type: array
                maxItems: 16
                x-kubernetes-list-type: map
                x-kubernetes-list-map-keys: [name]
                items:
                  type: object
                  required: [name]
                  properties:
                    name: {type: string, maxLength: 16}
                    protocol: {type: string, maxLength: 8}
                  x-kubernetes-validations:
                  - rule: "self.protocol == oldSelf.protocol"
                    message: the protocol of a port cannot change
          status:
            type: object
            properties:
              phase:
                type: string
                maxLength: 16
                x-kubernetes-validations:
                - rule: "self in ['Pending', 'Ready']"
                  messageExpression: "'unknown phase ' + self"
`;

function cr(plural: string, kind: string, ns: string, name: string, spec: string): string {
  return `apiVersion: cel.kubeforge.dev/v1\nkind: ${kind}\nmetadata:\n  name: ${name}\n  namespace: ${ns}\nspec:\n${spec}`;
}

const brokenRuleCRD = (plural: string): string =>
  crdYAML(plural, "Broken").replace(`            - rule: "self.minReplicas <= self.maxReplicas"`, `            - rule: "self.minReplicas <= self.maxReplica"`);

const expensiveCRD = (plural: string): string =>
  crdYAML(plural, "Pricey").replace(
    "              tier: {type: string, maxLength: 16}\n",
    `              tier: {type: string, maxLength: 16}
              names:
                type: array
                items: {type: string}
                x-kubernetes-validations:
                - rule: "self.all(a, self.all(b, a == b || a != b))"
`,
  );

describe.concurrent.each(kubectlVersions)("kubectl $version: x-kubernetes-validations", (v) => {
  let env: KubectlEnv;
  beforeAll(async () => {
    env = await kubectlEnv(v);
  });
  afterAll(async () => {
    await env?.close();
  });

  it("validates custom resources with rules, transition rules, messageExpression, reason and fieldPath", async () => {
    const k = env.kubectl;
    const ns = await env.namespace("cel");
    expect(await k.ok(["apply", "-f", await env.file("crd.yaml", crdYAML("scalers", "Scaler"))])).toBe("customresourcedefinition.apiextensions.k8s.io/scalers.cel.kubeforge.dev created\n");
    await k.ok(["wait", "--for=condition=Established", "crd/scalers.cel.kubeforge.dev", "--timeout=10s"]);
    const file = (name: string, spec: string): Promise<string> => env.file(`${name}-${Math.random().toString(36).slice(2)}.yaml`, cr("scalers", "Scaler", ns, name, spec));

    const good = "  minReplicas: 1\n  maxReplicas: 3\n  tier: gold\n  storageClass: fast\n  ports:\n  - name: http\n    protocol: TCP\n  - name: dns\n    protocol: UDP\n";
    expect(await k.ok(["apply", "-f", await file("s1", good)])).toBe("scaler.cel.kubeforge.dev/s1 created\n");

    const minMax = await k.run(["apply", "-f", await file("s2", "  minReplicas: 5\n  maxReplicas: 2\n")]);
    expect(minMax.code).not.toBe(0);
    expect(minMax.stderr).toContain('The Scaler "s2" is invalid: spec: Invalid value: "object": minReplicas (5) must not exceed maxReplicas (2)');

    const legacy = await k.run(["apply", "-f", await file("s3", "  minReplicas: 1\n  maxReplicas: 2\n  mode: legacy\n")]);
    expect(legacy.stderr).toContain('The Scaler "s3" is invalid: spec.mode: Forbidden: legacy mode is no longer supported');

    // messageExpression that fails at run time (tier unset) falls back to the message
    const big = await k.run(["apply", "-f", await file("s4", "  minReplicas: 1\n  maxReplicas: 200\n")]);
    expect(big.stderr).toContain('The Scaler "s4" is invalid: spec: Invalid value: "object": maxReplicas is too large');
    expect(big.stderr).not.toContain("for tier");
    const bigTier = await k.run(["apply", "-f", await file("s4", "  minReplicas: 1\n  maxReplicas: 200\n  tier: gold\n")]);
    expect(bigTier.stderr).toContain('spec: Invalid value: "object": maxReplicas is too large for tier gold');

    // root rule with metadata.name
    const longName = await k.run(["apply", "-f", await file("a-very-long-scaler-name-indeed", "  minReplicas: 1\n  maxReplicas: 2\n")]);
    expect(longName.stderr).toContain('Invalid value: "object": name must be at most 20 characters');

    // transition rules: immutable field, list-map items correlated by key
    const changed = await k.run(["apply", "-f", await file("s1", good.replace("storageClass: fast", "storageClass: slow"))]);
    expect(changed.code).not.toBe(0);
    expect(changed.stderr).toContain('The Scaler "s1" is invalid: spec.storageClass: Invalid value: "string": storageClass is immutable');
    const reordered = good.replace("  - name: http\n    protocol: TCP\n  - name: dns\n    protocol: UDP\n", "  - name: dns\n    protocol: UDP\n  - name: http\n    protocol: TCP\n  - name: new\n    protocol: SCTP\n");
    expect(await k.ok(["apply", "-f", await file("s1", reordered)])).toBe("scaler.cel.kubeforge.dev/s1 configured\n");
    const proto = await k.run(["-n", ns, "patch", "scaler", "s1", "--type=json", "-p", '[{"op":"replace","path":"/spec/ports/1/protocol","value":"UDP"}]']);
    expect(proto.code).not.toBe(0);
    expect(proto.stderr).toContain('spec.ports[1]: Invalid value: "object": the protocol of a port cannot change');
    expect(await k.ok(["-n", ns, "patch", "scaler", "s1", "--type=merge", "-p", '{"spec":{"maxReplicas":4}}'])).toBe("scaler.cel.kubeforge.dev/s1 patched\n");

    // status subresource writes are validated too
    const badStatus = await k.run(["-n", ns, "patch", "scaler", "s1", "--subresource=status", "--type=merge", "-p", '{"status":{"phase":"Exploded"}}']);
    expect(badStatus.code).not.toBe(0);
    expect(badStatus.stderr).toContain('status.phase: Invalid value: "string": unknown phase Exploded');
    expect(await k.ok(["-n", ns, "patch", "scaler", "s1", "--subresource=status", "--type=merge", "-p", '{"status":{"phase":"Ready"}}'])).toBe("scaler.cel.kubeforge.dev/s1 patched\n");
  });

  it("rejects CRDs whose rules do not compile or are too expensive", async () => {
    const k = env.kubectl;
    const broken = await k.run(["create", "-f", await env.file("broken.yaml", brokenRuleCRD("brokens"))]);
    expect(broken.code).not.toBe(0);
    expect(broken.stderr).toContain('The CustomResourceDefinition "brokens.cel.kubeforge.dev" is invalid');
    expect(broken.stderr).toContain(
      "spec.versions[0].schema.openAPIV3Schema.properties[spec].x-kubernetes-validations[0].rule: Invalid value: \"apiextensions.ValidationRule{Rule:\\\"self.minReplicas <= self.maxReplica\\\"",
    );
    expect(broken.stderr).toContain("compilation failed: ERROR: <input>:1:25: undefined field 'maxReplica'\n | self.minReplicas <= self.maxReplica\n | ........................^");

    const pricey = await k.run(["create", "-f", await env.file("pricey.yaml", expensiveCRD("priceys"))]);
    expect(pricey.code).not.toBe(0);
    expect(pricey.stderr).toContain(
      "spec.versions[0].schema.openAPIV3Schema.properties[spec].properties[names].x-kubernetes-validations[0].rule: Forbidden: estimated rule cost exceeds budget by factor of more than 100x (try simplifying the rule, or adding maxItems, maxProperties, and maxLength where arrays, maps, and strings are declared)",
    );
    const gone = await k.run(["get", "crd", "priceys.cel.kubeforge.dev"]);
    expect(gone.stderr).toContain("NotFound");
  });
});

describe("x-kubernetes-validations over the raw API", () => {
  let cp: RunningControlPlane;
  beforeAll(async () => {
    cp = await startControlPlane();
  });
  afterAll(async () => {
    await cp?.stop();
  });

  const crdPath = "/apis/apiextensions.k8s.io/v1/customresourcedefinitions";
  const schema = {
    type: "object",
    properties: {
      spec: {
        type: "object",
        "x-kubernetes-validations": [
          { rule: "self.a <= self.b", message: "a must not exceed b" },
          { rule: "self.b != 7", reason: "FieldValueRequired", fieldPath: ".b", message: "seven is not allowed" },
          { rule: "self.a != 3", reason: "FieldValueDuplicate" },
        ],
        properties: { a: { type: "integer" }, b: { type: "integer" }, c: { type: "string", maxLength: 3 } },
      },
    },
  };
  const crd = (plural: string, kind: string, s: unknown): Record<string, unknown> => ({
    apiVersion: "apiextensions.k8s.io/v1",
    kind: "CustomResourceDefinition",
    metadata: { name: `${plural}.raw.kubeforge.dev` },
    spec: { group: "raw.kubeforge.dev", scope: "Cluster", names: { plural, kind }, versions: [{ name: "v1", served: true, storage: true, schema: { openAPIV3Schema: s } }] },
  });

  async function served(path: string): Promise<void> {
    for (let i = 0; i < 200; i++) {
      if ((await api(cp, "GET", path)).status === 200) return;
      await new Promise((r) => setTimeout(r, 10));
    }
    throw new Error(`${path} not served`);
  }

  it("returns 422 Status objects with upstream's causes", async () => {
    expect((await api(cp, "POST", crdPath, { body: crd("dials", "Dial", schema) })).status).toBe(201);
    await served("/apis/raw.kubeforge.dev/v1/dials");
    const post = (name: string, spec: unknown): ReturnType<typeof api> =>
      api(cp, "POST", "/apis/raw.kubeforge.dev/v1/dials", { body: { apiVersion: "raw.kubeforge.dev/v1", kind: "Dial", metadata: { name }, spec } });

    expect((await post("ok", { a: 1, b: 2 })).status).toBe(201);
    const r = await post("bad", { a: 3, b: 7 });
    expect(r.status).toBe(422);
    expect(r.json).toEqual({
      kind: "Status",
      apiVersion: "v1",
      metadata: {},
      status: "Failure",
      message: 'Dial.raw.kubeforge.dev "bad" is invalid: [spec.b: Required value: seven is not allowed, spec: Duplicate value: "object"]',
      reason: "Invalid",
      details: {
        name: "bad",
        group: "raw.kubeforge.dev",
        kind: "Dial",
        causes: [
          { reason: "FieldValueRequired", message: "Required value: seven is not allowed", field: "spec.b" },
          { reason: "FieldValueDuplicate", message: 'Duplicate value: "object"', field: "spec" },
        ],
      },
      code: 422,
    });

    // a blocking schema error skips the rules, as upstream
    const blocked = await post("blocked", { a: 5, b: 1, c: "toolong" });
    expect(blocked.status).toBe(422);
    expect((blocked.json as { message: string }).message).toBe(
      'Dial.raw.kubeforge.dev "blocked" is invalid: [spec.c: Too long: must have at most 3 bytes, <nil>: Invalid value: "null": some validation rules were not checked because the object was invalid; correct the existing errors to complete validation]',
    );
  });

  it("rejects invalid rule definitions", async () => {
    const bad = {
      ...schema,
      properties: {
        spec: { ...schema.properties.spec, "x-kubernetes-validations": [{ rule: "self.a > 0", reason: "FieldValueWrong" }, { rule: "self.a > 0", fieldPath: ".zzz" }] },
      },
    };
    const r = await api(cp, "POST", crdPath, { body: crd("knobs", "Knob", bad) });
    expect(r.status).toBe(422);
    const causes = (r.json as { details: { causes: { field: string; message: string }[] } }).details.causes;
    expect(causes).toEqual([
      {
        reason: "FieldValueNotSupported",
        field: "spec.versions[0].schema.openAPIV3Schema.properties[spec].x-kubernetes-validations[0].reason",
        message: 'Unsupported value: "FieldValueWrong": supported values: "FieldValueDuplicate", "FieldValueForbidden", "FieldValueInvalid", "FieldValueRequired"',
      },
      {
        reason: "FieldValueInvalid",
        field: "spec.versions[0].schema.openAPIV3Schema.properties[spec].x-kubernetes-validations[1].fieldPath",
        message: 'Invalid value: ".zzz": fieldPath must be a valid path: does not refer to a valid field',
      },
    ]);
  });

  it("bounds the work of a request and keeps serving", async () => {
    // each rule is within the static per-expression limit, together they exceed the per-request runtime budget
    const rules = Array.from({ length: 16 }, (_, i) => ({ rule: `self.l.all(x, self.l.all(y, x + y >= -${i}))` }));
    const s = { type: "object", properties: { spec: { type: "object", properties: { l: { type: "array", maxItems: 400, items: { type: "integer" } } }, "x-kubernetes-validations": rules } } };
    const created = await api(cp, "POST", crdPath, { body: crd("loads", "Load", s) });
    expect(created.status).toBe(201);
    await served("/apis/raw.kubeforge.dev/v1/loads");
    const t0 = performance.now();
    const r = await api(cp, "POST", "/apis/raw.kubeforge.dev/v1/loads", { body: { apiVersion: "raw.kubeforge.dev/v1", kind: "Load", metadata: { name: "l" }, spec: { l: Array.from({ length: 400 }, (_, i) => i) } } });
    expect(performance.now() - t0).toBeLessThan(15_000);
    expect(r.status).toBe(422);
    expect((r.json as { message: string }).message).toBe(
      'Load.raw.kubeforge.dev "l" is invalid: spec: Invalid value: "object": validation failed due to running out of cost budget, no further validation rules will be run',
    );
    expect((await api(cp, "GET", "/readyz")).status).toBe(200);
  });
});
