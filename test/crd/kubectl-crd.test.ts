/** CRD flows with real kubectl: establish, validate, default, print, scale, status, strict validation, delete. */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { eventually, kubectlEnv, kubectlVersions, tableRows, type KubectlEnv } from "../support/kubectl.js";

const crdYAML = `apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata:
  name: widgets.example.kubeforge.dev
spec:
  group: example.kubeforge.dev
  scope: Namespaced
  names:
    plural: widgets
    singular: widget
    kind: Widget
    shortNames: [wg]
    categories: [all]
  versions:
  - name: v1
    served: true
    storage: true
    subresources:
      status: {}
      scale:
        specReplicasPath: .spec.replicas
        statusReplicasPath: .status.replicas
        labelSelectorPath: .status.selector
    additionalPrinterColumns:
    - name: Replicas
      type: integer
      jsonPath: .spec.replicas
    - name: Mode
      type: string
      jsonPath: .spec.mode
    - name: First
      type: string
      priority: 1
      jsonPath: .spec.ports[0].name
    - name: Age
      type: date
      jsonPath: .metadata.creationTimestamp
    schema:
      openAPIV3Schema:
        type: object
        required: [spec]
        properties:
          spec:
            type: object
            required: [name]
            properties:
              name:
                type: string
              replicas:
                type: integer
                minimum: 1
                default: 2
              mode:
                type: string
                enum: [a, b]
                default: a
              ports:
                type: array
                x-kubernetes-list-type: map
                x-kubernetes-list-map-keys: [name]
                items:
                  type: object
                  required: [name]
                  properties:
                    name: {type: string}
                    port: {type: integer, format: int32}
          status:
            type: object
            properties:
              replicas: {type: integer}
              selector: {type: string}
              phase: {type: string}
`;

function widget(ns: string, name: string, spec: string): string {
  return `apiVersion: example.kubeforge.dev/v1\nkind: Widget\nmetadata:\n  name: ${name}\n  namespace: ${ns}\nspec:\n${spec}`;
}

describe.concurrent.each(kubectlVersions)("kubectl $version: CustomResourceDefinitions", (v) => {
  let env: KubectlEnv;
  beforeAll(async () => {
    env = await kubectlEnv(v);
  });
  afterAll(async () => {
    await env?.close();
  });

  it("serves a CRD with validation, defaults, printer columns, subresources, and deletes it", async () => {
    const k = env.kubectl;
    const ns = await env.namespace("crd");
    expect(await k.ok(["apply", "-f", await env.file("crd.yaml", crdYAML)])).toBe("customresourcedefinition.apiextensions.k8s.io/widgets.example.kubeforge.dev created\n");
    expect(await k.ok(["wait", "--for=condition=Established", "crd/widgets.example.kubeforge.dev", "--timeout=10s"])).toBe("customresourcedefinition.apiextensions.k8s.io/widgets.example.kubeforge.dev condition met\n");
    const crd = await k.json<{ status: { acceptedNames: { plural: string }; storedVersions: string[]; conditions: { type: string; status: string; reason: string }[] } }>(["get", "crd", "widgets.example.kubeforge.dev"]);
    expect(crd.status.acceptedNames.plural).toBe("widgets");
    expect(crd.status.storedVersions).toEqual(["v1"]);
    expect(crd.status.conditions.map((c) => [c.type, c.status, c.reason])).toEqual(
      expect.arrayContaining([
        ["NamesAccepted", "True", "NoConflicts"],
        ["Established", "True", "InitialNamesAccepted"],
      ]),
    );

    // create with defaults
    expect(await k.ok(["apply", "-f", await env.file("w1.yaml", widget(ns, "w1", "  name: one\n  ports:\n  - name: http\n    port: 80\n"))])).toBe("widget.example.kubeforge.dev/w1 created\n");
    const w1 = await k.json<{ metadata: { generation: number }; spec: Record<string, unknown> }>(["-n", ns, "get", "widget", "w1"]);
    expect(w1.spec).toEqual({ name: "one", replicas: 2, mode: "a", ports: [{ name: "http", port: 80 }] });
    expect(w1.metadata.generation).toBe(1);

    // invalid objects are rejected with field paths
    const bad = await k.run(["apply", "-f", await env.file("bad.yaml", widget(ns, "bad", "  replicas: 0\n  mode: x\n  ports:\n  - name: a\n  - name: a\n"))]);
    expect(bad.code).not.toBe(0);
    expect(bad.stderr).toContain("spec.replicas: Invalid value: 0: spec.replicas in body should be greater than or equal to 1");
    expect(bad.stderr).toContain('spec.mode: Unsupported value: "x": supported values: "a", "b"');
    expect(bad.stderr).toContain("spec.name: Required value");
    expect(bad.stderr).toContain("spec.ports[1]: Duplicate value");

    // printer columns, short name, category all
    const rows = tableRows(await k.ok(["-n", ns, "get", "wg"]));
    expect(rows[0]).toEqual(["NAME", "REPLICAS", "MODE", "AGE"]);
    expect(rows[1]?.slice(0, 3)).toEqual(["w1", "2", "a"]);
    const wide = tableRows(await k.ok(["-n", ns, "get", "widgets", "-o", "wide"]));
    expect(wide[0]).toEqual(["NAME", "REPLICAS", "MODE", "FIRST", "AGE"]);
    expect(wide[1]?.[3]).toBe("http");
    expect(await k.ok(["-n", ns, "get", "all", "-o", "name"])).toContain("widget.example.kubeforge.dev/w1");

    // scale and status
    expect(await k.ok(["-n", ns, "scale", "widget", "w1", "--replicas=5"])).toBe("widget.example.kubeforge.dev/w1 scaled\n");
    expect(await k.ok(["-n", ns, "patch", "widget", "w1", "--subresource=status", "--type=merge", "-p", '{"status":{"replicas":5,"phase":"Ready"}}'])).toBe("widget.example.kubeforge.dev/w1 patched\n");
    const w1b = await k.json<{ metadata: { generation: number }; spec: { replicas: number }; status: Record<string, unknown> }>(["-n", ns, "get", "widget", "w1"]);
    expect(w1b.spec.replicas).toBe(5);
    expect(w1b.status).toEqual({ replicas: 5, phase: "Ready" });
    expect(w1b.metadata.generation).toBe(2);
    // status through the main resource is ignored
    await k.ok(["-n", ns, "patch", "widget", "w1", "--type=merge", "-p", '{"status":{"phase":"Other"}}']);
    expect(await k.ok(["-n", ns, "get", "widget", "w1", "-o", "jsonpath={.status.phase}/{.metadata.generation}"])).toBe("Ready/2");
    // strategic merge patch is not supported for CRs
    const smp = await k.run(["-n", ns, "patch", "widget", "w1", "--type=strategic", "-p", '{"spec":{"mode":"b"}}']);
    expect(smp.code).not.toBe(0);
    expect(smp.stderr).toContain("the body of the request was in an unknown format (application/strategic-merge-patch+json) - accepted media types include: application/json-patch+json, application/merge-patch+json, application/apply-patch+yaml");

    // field validation
    const strictFile = await env.file("strict.yaml", widget(ns, "w2", "  name: two\n  foo: 1\n  bar: x\n"));
    const strict = await k.run(["create", "--validate=strict", "-f", strictFile]);
    expect(strict.code).not.toBe(0);
    expect(strict.stderr).toContain('Widget in version "v1" cannot be handled as a Widget: strict decoding error: unknown field "spec.bar", unknown field "spec.foo"');
    const warn = await k.run(["create", "--validate=warn", "-f", strictFile]);
    expect(warn.code).toBe(0);
    expect(warn.stderr).toContain('unknown field "spec.bar"');
    expect(await k.ok(["-n", ns, "get", "widget", "w2", "-o", "jsonpath={.spec}"])).toBe('{"mode":"a","name":"two","replicas":2}');

    // delete the CRD: objects gone, resource no longer served
    expect(await k.ok(["delete", "crd", "widgets.example.kubeforge.dev", "--timeout=20s"])).toBe('customresourcedefinition.apiextensions.k8s.io "widgets.example.kubeforge.dev" deleted\n');
    await eventually(async () => {
      const r = await k.run(["get", "--raw", "/apis/example.kubeforge.dev/v1"]);
      return r.code !== 0 || !r.stdout.includes('"widgets"');
    }, 5000);
    const gone = await k.run(["-n", ns, "get", "widgets.example.kubeforge.dev"]);
    expect(gone.code).not.toBe(0);
    expect(gone.stderr).toContain(`the server doesn't have a resource type "widgets"`);
    const raw = await env.cp.controlPlane.storage.forResource("example.kubeforge.dev/widgets").list({ prefix: "" });
    expect(raw.items).toEqual([]);
  });

  it("rejects invalid and non-structural CRDs and reports name conflicts", async () => {
    const k = env.kubectl;
    const bad = crdYAML.replace("name: widgets.example.kubeforge.dev", "name: gadgets.example.kubeforge.dev").replace("              name:\n                type: string\n", "              name: {}\n").replace("    storage: true", "    storage: false");
    const r = await k.run(["create", "-f", await env.file("bad-crd.yaml", bad)]);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain('metadata.name: Invalid value: "gadgets.example.kubeforge.dev": must be spec.names.plural+"."+spec.group');
    expect(r.stderr).toContain("spec.versions[0].schema.openAPIV3Schema.properties[spec].properties[name].type: Required value: must not be empty for specified object fields");
    expect(r.stderr).toContain("must have exactly one version marked as storage version");
    const meta = crdYAML.replace("        required: [spec]\n", "        required: [spec]\n        properties:\n          metadata:\n            type: object\n            properties:\n              labels: {type: object}\n").replace(/\n        properties:\n          spec:/, "\n          spec:");
    const m = await k.run(["create", "-f", await env.file("meta-crd.yaml", meta)]);
    expect(m.stderr).toContain("spec.versions[0].schema.openAPIV3Schema.properties[metadata]: Forbidden: must not specify anything other than name and generateName, but metadata is implicitly specified");

    // what kube-apiserver refuses in schemas: uniqueItems, patterns Go's regexp does not compile
    const refused = crdYAML
      .replace("name: widgets.example.kubeforge.dev", "name: sprockets.example.kubeforge.dev")
      .replace(/widgets/g, "sprockets")
      .replace("              name:\n                type: string\n", "              name:\n                type: string\n                pattern: '(?<=a)b'\n              tags:\n                type: array\n                uniqueItems: true\n                items: {type: string}\n");
    const rr = await k.run(["create", "-f", await env.file("refused-crd.yaml", refused)]);
    expect(rr.code).not.toBe(0);
    expect(rr.stderr).toContain("spec.versions[0].schema.openAPIV3Schema.properties[spec].properties[name].pattern: Invalid value: \"(?<=a)b\": must be a valid regular expression, but isn't: error parsing regexp: invalid named capture: `(?<=a)b`");
    expect(rr.stderr).toContain("spec.versions[0].schema.openAPIV3Schema.properties[spec].properties[tags].uniqueItems: Forbidden: uniqueItems cannot be set to true since the runtime complexity becomes quadratic");

    await k.ok(["apply", "-f", await env.file("crd.yaml", crdYAML.replace(/widget/g, "thing").replace(/Widget/g, "Thing").replace("[wg]", "[th]"))]);
    await k.ok(["wait", "--for=condition=Established", "crd/things.example.kubeforge.dev", "--timeout=10s"]);
    const conflict = crdYAML.replace("name: widgets.example.kubeforge.dev", "name: others.example.kubeforge.dev").replace("plural: widgets", "plural: others").replace("singular: widget", "singular: other").replace("kind: Widget", "kind: Thing").replace("[wg]", "[ot]");
    await k.ok(["create", "-f", await env.file("conflict.yaml", conflict)]);
    await eventually(async () => {
      const c = await k.json<{ status?: { conditions?: { type: string; status: string; reason: string; message: string }[] } }>(["get", "crd", "others.example.kubeforge.dev"]);
      const na = c.status?.conditions?.find((x) => x.type === "NamesAccepted");
      return na?.status === "False" && na.reason === "KindConflict" && na.message === '"Thing" is already in use';
    }, 5000);
  });

  it("server-side apply on a custom resource: conflicts between managers, --force-conflicts; --validate=false prunes; scale through get --raw", async () => {
    const k = env.kubectl;
    const ns = await env.namespace("gear");
    const gearCRD = crdYAML.replace(/widget/g, "gear").replace(/Widget/g, "Gear").replace("[wg]", "[gr]").replace("categories: [all]", "categories: []");
    await k.ok(["apply", "-f", await env.file("gear-crd.yaml", gearCRD)]);
    await k.ok(["wait", "--for=condition=Established", "crd/gears.example.kubeforge.dev", "--timeout=10s"]);
    const gear = (name: string, spec: string): string => widget(ns, name, spec).replace("kind: Widget", "kind: Gear");

    // two field managers: the second one's change of a field the first owns is a conflict
    const alice = await k.run(["apply", "--server-side", "--field-manager=alice", "-f", await env.file("gear-alice.yaml", gear("g1", "  name: one\n  replicas: 3\n"))]);
    expect(alice.code, alice.stderr).toBe(0);
    expect(alice.stdout).toBe("gear.example.kubeforge.dev/g1 serverside-applied\n");
    const bobFile = await env.file("gear-bob.yaml", gear("g1", "  name: one\n  replicas: 4\n  mode: b\n"));
    const conflict = await k.run(["apply", "--server-side", "--field-manager=bob", "-f", bobFile]);
    expect(conflict.code).toBe(1);
    expect(conflict.stderr).toContain('Apply failed with 1 conflict: conflict with "alice": .spec.replicas');
    expect(conflict.stderr).toContain("--force-conflicts");
    expect(await k.ok(["-n", ns, "get", "gear", "g1", "-o", "jsonpath={.spec.replicas}/{.spec.mode}"])).toBe("3/a");
    // forcing takes the field over
    const forced = await k.run(["apply", "--server-side", "--field-manager=bob", "--force-conflicts", "-f", bobFile]);
    expect(forced.code, forced.stderr).toBe(0);
    expect(forced.stdout).toBe("gear.example.kubeforge.dev/g1 serverside-applied\n");
    const g1 = await k.json<{ spec: { replicas: number; mode: string }; metadata: { managedFields: { manager: string; operation: string; fieldsV1: { "f:spec"?: Record<string, unknown> } }[] } }>(["-n", ns, "get", "gear", "g1", "--show-managed-fields"]);
    expect([g1.spec.replicas, g1.spec.mode]).toEqual([4, "b"]);
    const owners = Object.fromEntries(g1.metadata.managedFields.map((m) => [m.manager, Object.keys(m.fieldsV1["f:spec"] ?? {}).sort()]));
    expect(owners).toEqual({ alice: ["f:name"], bob: ["f:mode", "f:name", "f:replicas"] });

    // --validate=false: an unknown field is accepted without a warning, and pruned
    const loose = await k.run(["create", "--validate=false", "-f", await env.file("gear-loose.yaml", gear("g2", "  name: two\n  bogus: true\n"))]);
    expect(loose.code, loose.stderr).toBe(0);
    expect(loose.stdout).toBe("gear.example.kubeforge.dev/g2 created\n");
    expect(loose.stderr).toBe("");
    expect(await k.ok(["-n", ns, "get", "gear", "g2", "-o", "jsonpath={.spec}"])).toBe('{"mode":"a","name":"two","replicas":2}');

    // the scale subresource as autoscaling/v1 Scale after kubectl scale
    expect(await k.ok(["-n", ns, "scale", "gear", "g1", "--replicas=6"])).toBe("gear.example.kubeforge.dev/g1 scaled\n");
    await k.ok(["-n", ns, "patch", "gear", "g1", "--subresource=status", "--type=merge", "-p", '{"status":{"replicas":5,"selector":"app=gear"}}']);
    const scale = JSON.parse(await k.ok(["get", "--raw", `/apis/example.kubeforge.dev/v1/namespaces/${ns}/gears/g1/scale`])) as Record<string, unknown> & { metadata: Record<string, unknown> };
    expect(scale).toMatchObject({ kind: "Scale", apiVersion: "autoscaling/v1", metadata: { name: "g1", namespace: ns }, spec: { replicas: 6 }, status: { replicas: 5, selector: "app=gear" } });
    expect(scale.metadata.resourceVersion).toEqual(expect.any(String));

    await k.ok(["delete", "crd", "gears.example.kubeforge.dev", "--timeout=20s"]);
  });
});
