import { beforeAll, describe, expect, it } from "vitest";
import { builtinResources } from "../../controlplane/builtin/index.js";
import { builtinDefinitions, definitionsFor, kindDefinitionName, loadBuiltinDefinitions } from "./definitions.js";
import { refName, type Schema } from "./types.js";

function refsOf(s: Schema, out: string[] = []): string[] {
  const r = refName(s.$ref);
  if (r) out.push(r);
  for (const a of s.allOf ?? []) refsOf(a, out);
  if (s.items) refsOf(s.items, out);
  if (typeof s.additionalProperties === "object") refsOf(s.additionalProperties, out);
  for (const p of Object.values(s.properties ?? {})) refsOf(p, out);
  return out;
}

describe("built-in definitions", () => {
  beforeAll(async () => {
    await loadBuiltinDefinitions();
  });

  it("cover every served built-in kind and list kind (regenerate with `npm run generate:openapi` otherwise)", () => {
    const missing = builtinResources().flatMap((r) => [r.names.kind, r.names.listKind].filter((k) => !kindDefinitionName(r, k)).map((k) => `${r.group}/${r.version} ${k}`));
    expect(missing).toEqual([]);
  });

  it("carry upstream names, descriptions, GVKs and patch metadata", () => {
    const defs = builtinDefinitions();
    const pod = defs["io.k8s.api.core.v1.Pod"];
    expect(pod?.["x-kubernetes-group-version-kind"]).toEqual([{ group: "", version: "v1", kind: "Pod" }]);
    expect(pod?.properties?.metadata?.$ref).toBe("#/definitions/io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta");
    const containers = defs["io.k8s.api.core.v1.PodSpec"]?.properties?.containers;
    expect(containers).toMatchObject({
      type: "array",
      description: expect.stringContaining("List of containers belonging to the pod"),
      "x-kubernetes-patch-merge-key": "name",
      "x-kubernetes-patch-strategy": "merge",
      "x-kubernetes-list-type": "map",
      "x-kubernetes-list-map-keys": ["name"],
    });
    expect(defs["io.k8s.api.core.v1.PodSpec"]?.properties?.terminationGracePeriodSeconds).toMatchObject({ type: "integer", format: "int64" });
    expect(defs["io.k8s.api.core.v1.Container"]?.required).toEqual(["name"]);
    expect(defs["io.k8s.api.apps.v1.DeploymentSpec"]?.properties?.strategy?.["x-kubernetes-patch-strategy"]).toBe("retainKeys");
    expect(defs["io.k8s.apimachinery.pkg.apis.meta.v1.Time"]).toMatchObject({ type: "string", format: "date-time" });
  });

  it("publish for a group-version exactly the closure of its kinds", () => {
    const deploy = builtinResources().find((r) => r.names.kind === "Deployment");
    expect(deploy).toBeDefined();
    if (!deploy) return;
    const defs = definitionsFor([{ def: deploy, subresources: [{ kind: { group: "autoscaling", version: "v1", kind: "Scale" } }] }]);
    expect(Object.keys(defs)).toEqual(expect.arrayContaining(["io.k8s.api.apps.v1.Deployment", "io.k8s.api.apps.v1.DeploymentList", "io.k8s.api.core.v1.Container", "io.k8s.api.autoscaling.v1.Scale", "io.k8s.apimachinery.pkg.apis.meta.v1.Status"]));
    expect(Object.keys(defs)).not.toContain("io.k8s.api.core.v1.Service");
    for (const d of Object.values(defs)) for (const r of refsOf(d)) expect(defs, r).toHaveProperty([r]);
  });
});
