import { describe, expect, it } from "vitest";
import { addKustomizeResource, insertAtMarker } from "./edits.js";

describe("scaffold edits", () => {
  it("adds a kustomize resource once, keeping comments", () => {
    const a = addKustomizeResource("# CRDs\nresources: []\n", "bases/x.yaml");
    expect(a).toBe("# CRDs\nresources:\n  - bases/x.yaml\n");
    const b = addKustomizeResource(a, "bases/y.yaml");
    expect(b).toBe("# CRDs\nresources:\n  - bases/x.yaml\n  - bases/y.yaml\n");
    expect(addKustomizeResource(b, "bases/x.yaml")).toBe(b);
    expect(() => addKustomizeResource("resources: [", "x", "config/crd/kustomization.yaml")).toThrow("config/crd/kustomization.yaml: not valid YAML");
  });

  it("inserts code before a scaffold marker, once", () => {
    const src = "a\n  // +kubebuilder:scaffold:builder\nb\n";
    const once = insertAtMarker(src, "builder", "  setup(mgr);", "src/main.ts");
    expect(once).toBe("a\n  setup(mgr);\n  // +kubebuilder:scaffold:builder\nb\n");
    expect(insertAtMarker(once, "builder", "  setup(mgr);", "src/main.ts")).toBe(once);
    expect(() => insertAtMarker("x", "imports", "y", "src/main.ts")).toThrow('src/main.ts: the line "// +kubebuilder:scaffold:imports" is missing');
  });
});
