/** Reading CRDs: documents, Lists, skipped kinds and the errors users see (file:line and the fix). */
import { describe, expect, it } from "vitest";
import { formatProblem, ImportCrdError, importCrds } from "./index.js";
import { readCrds } from "./parse.js";

const crd = (name = "widgets.example.com", apiVersion = "apiextensions.k8s.io/v1", extra = ""): string => `apiVersion: ${apiVersion}
kind: CustomResourceDefinition
metadata:
  name: ${name}
spec:
  group: example.com
  scope: Namespaced
  names:
    kind: Widget
    plural: widgets
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
${extra}`;

async function problems(text: string, path = "in.yaml"): Promise<string[]> {
  try {
    await importCrds([{ path, text }]);
  } catch (e) {
    if (e instanceof ImportCrdError) return e.problems.map(formatProblem);
    throw e;
  }
  throw new Error("expected an ImportCrdError");
}

describe("readCrds", () => {
  it("reads every CRD of a multi-document file and notes the other documents with their line", () => {
    const r = readCrds({ path: "a.yaml", text: `apiVersion: v1\nkind: Namespace\nmetadata:\n  name: x\n---\n---\n${crd()}` });
    expect(r.problems).toEqual([]);
    expect(r.notes).toEqual(['a.yaml:1: skipping v1/Namespace "x" (not a CustomResourceDefinition)']);
    expect(r.crds.map((c) => [c.kind, c.listKind, c.group, c.line, c.versions.map((v) => v.name)])).toEqual([["Widget", "WidgetList", "example.com", 7, ["v1"]]]);
  });

  it("reads the items of a List (kubectl get crd -o yaml)", () => {
    const indented = crd().replace(/^/gm, "    ").replace(/^ {4}apiVersion: apiextensions/m, "  - apiVersion: apiextensions");
    const r = readCrds({ path: "l.yaml", text: `apiVersion: v1\nkind: List\nitems:\n${indented}` });
    expect(r.problems).toEqual([]);
    expect(r.crds.map((c) => [c.kind, c.line])).toEqual([["Widget", 4]]);
  });

  it("skips versions that are not served", () => {
    const r = readCrds({ path: "a.yaml", text: crd().replace("served: true", "served: false") });
    expect(r.crds).toEqual([]);
    expect(r.notes).toEqual(['a.yaml:1: CustomResourceDefinition "widgets.example.com" serves no version; nothing to generate']);
  });
});

describe("import errors", () => {
  it("a YAML parse error names file, line and column", async () => {
    expect(await problems("apiVersion: v1\nkind: : x\n", "bad.yaml")).toEqual(["bad.yaml:2: column 7: YAML: Nested mappings are not allowed in compact mappings"]);
  });

  it("a file without any CRD is an error", async () => {
    expect(await problems("apiVersion: v1\nkind: ConfigMap\n", "cm.yaml")).toEqual(["cm.yaml: no apiextensions.k8s.io/v1 CustomResourceDefinition in this file (pass the CRD manifests, e.g. config/crd/bases/*.yaml)"]);
    expect(await problems("", "empty.yaml")).toHaveLength(1);
  });

  it("a v1beta1 CRD is an error explaining the conversion", async () => {
    const [p, ...more] = await problems(crd("widgets.example.com", "apiextensions.k8s.io/v1beta1"), "old.yaml");
    expect(more).toEqual([]);
    expect(p).toMatch(/^old\.yaml:1: CustomResourceDefinition "widgets\.example\.com": apiextensions\.k8s\.io\/v1beta1 is not supported; convert it to apiextensions\.k8s\.io\/v1 \(move spec\.validation\.openAPIV3Schema/);
  });

  it("missing schema, bad kind and listKind point at their lines", async () => {
    const noSchema = crd().replace(/ {6}schema:[\s\S]*$/, "");
    expect(await problems(noSchema)).toEqual(['in.yaml:12: CustomResourceDefinition "widgets.example.com": version v1 has no schema.openAPIV3Schema (apiextensions.k8s.io/v1 requires one per version)']);
    expect(await problems(crd().replace("kind: Widget", "kind: my-widget"))).toEqual(['in.yaml:9: CustomResourceDefinition "widgets.example.com": spec.names.kind must be a TypeScript identifier such as "CronTab", got "my-widget"']);
  });

  it("a field whose type name clashes with the list kind is an error, not a broken file", async () => {
    const text = crd("widgets.example.com", "apiextensions.k8s.io/v1", "            list:\n              type: string\n");
    expect(await problems(text)).toEqual(['in.yaml:17: CustomResourceDefinition "widgets.example.com": the type for field "list" would be named WidgetList, like the list kind; rename the field or the kind']);
  });

  it("the same kind and version from two files is an error naming both", async () => {
    try {
      await importCrds([
        { path: "a.yaml", text: crd() },
        { path: "b.yaml", text: crd() },
      ]);
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(ImportCrdError);
      expect((e as ImportCrdError).message).toBe("b.yaml:1: Widget example.com/v1 is also defined at a.yaml:1; both would generate api/imported/example.com/v1/widget.types.ts");
    }
  });

  it("reports problems of every file at once", async () => {
    try {
      await importCrds([
        { path: "a.yaml", text: "a: : b" },
        { path: "b.yaml", text: "kind: Pod" },
      ]);
      expect.unreachable();
    } catch (e) {
      expect((e as ImportCrdError).problems.map((p) => p.file)).toEqual(["a.yaml", "b.yaml"]);
    }
  });
});
