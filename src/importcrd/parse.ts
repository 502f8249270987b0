/**
 * Reading CustomResourceDefinitions from YAML/JSON text: multi-document streams and `kind: List` wrappers
 * (`kubectl get crd -o yaml`). Non-CRD documents are skipped with a note; parse errors, v1beta1 CRDs and
 * CRDs missing what the generator needs are problems with file:line.
 */
import { isNode, LineCounter, parseAllDocuments, type Document } from "yaml";
import type { Problem } from "./errors.js";

/** An input file: `path` is how messages and headers name it. */
export interface SourceFile {
  readonly path: string;
  readonly text: string;
}

/** A JSON Schema node of a CRD (apiextensions.k8s.io/v1 JSONSchemaProps), kept loose: it is user input. */
export type SchemaNode = { [key: string]: unknown };

export interface CrdVersion {
  readonly name: string;
  readonly served: boolean;
  /** `schema.openAPIV3Schema`. */
  readonly schema: SchemaNode;
  /** Line of the version's schema, for errors raised while compiling it. */
  readonly line: number;
}

/** The parts of a v1 CRD the type generator uses. */
export interface Crd {
  readonly file: string;
  readonly line: number;
  readonly name: string;
  readonly group: string;
  readonly kind: string;
  readonly listKind: string;
  readonly plural: string;
  readonly scope: string;
  readonly versions: readonly CrdVersion[];
}

export interface ReadResult {
  readonly crds: Crd[];
  readonly notes: string[];
  readonly problems: Problem[];
}

type Path = readonly (string | number)[];

const identifier = /^[A-Za-z_$][A-Za-z0-9_$]*$/;

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/** Reads every CRD of one file. A file with no CRD at all is a problem. */
export function readCrds(src: SourceFile): ReadResult {
  const result: ReadResult = { crds: [], notes: [], problems: [] };
  const lineCounter = new LineCounter();
  const docs = parseAllDocuments(src.text, { lineCounter });
  const list: Document.Parsed[] = Array.isArray(docs) ? docs : [];
  let parseFailed = false;
  for (const doc of list) {
    const e = doc.errors[0];
    if (e) {
      const pos = e.linePos?.[0];
      const msg = e.message.replace(/ at line \d+, column \d+:[\s\S]*$/, "");
      result.problems.push({ file: src.path, ...(pos ? { line: pos.line } : {}), message: `${pos ? `column ${pos.col}: ` : ""}YAML: ${msg}` });
      parseFailed = true;
    }
  }
  if (parseFailed) return result;

  for (const doc of list) {
    const lineOf = (path: Path): number => {
      for (let n = path.length; n >= 0; n--) {
        const node = n === 0 ? doc.contents : doc.getIn(path.slice(0, n), true);
        if (isNode(node) && node.range) return lineCounter.linePos(node.range[0]).line;
      }
      return 1;
    };
    const value: unknown = doc.toJS();
    if (value === null || value === undefined) continue;
    if (isObject(value) && Array.isArray(value["items"]) && typeof value["kind"] === "string" && value["kind"].endsWith("List")) {
      value["items"].forEach((item: unknown, i) => readDocument(src.path, item, ["items", i], lineOf, result));
    } else {
      readDocument(src.path, value, [], lineOf, result);
    }
  }
  if (result.crds.length === 0 && result.problems.length === 0) {
    result.problems.push({ file: src.path, message: "no apiextensions.k8s.io/v1 CustomResourceDefinition in this file (pass the CRD manifests, e.g. config/crd/bases/*.yaml)" });
  }
  return result;
}

function readDocument(file: string, value: unknown, at: Path, lineOf: (p: Path) => number, result: ReadResult): void {
  const line = lineOf(at);
  if (!isObject(value)) {
    result.notes.push(`${file}:${line}: skipping a document that is not an object`);
    return;
  }
  const apiVersion = typeof value["apiVersion"] === "string" ? value["apiVersion"] : "";
  const kind = typeof value["kind"] === "string" ? value["kind"] : "";
  const meta = isObject(value["metadata"]) ? value["metadata"] : {};
  const name = typeof meta["name"] === "string" ? meta["name"] : "";
  if (kind !== "CustomResourceDefinition") {
    result.notes.push(`${file}:${line}: skipping ${apiVersion || "?"}/${kind || "?"}${name ? ` "${name}"` : ""} (not a CustomResourceDefinition)`);
    return;
  }
  const problem = (path: Path, message: string): void => {
    result.problems.push({ file, line: lineOf([...at, ...path]), message: `CustomResourceDefinition${name ? ` "${name}"` : ""}: ${message}` });
  };
  if (apiVersion === "apiextensions.k8s.io/v1beta1") {
    problem(["apiVersion"], "apiextensions.k8s.io/v1beta1 is not supported; convert it to apiextensions.k8s.io/v1 (move spec.validation.openAPIV3Schema into each spec.versions[].schema.openAPIV3Schema) or export the v1 form with `kubectl get crd NAME -o yaml`");
    return;
  }
  if (apiVersion !== "apiextensions.k8s.io/v1") {
    problem(["apiVersion"], `apiVersion must be apiextensions.k8s.io/v1, got "${apiVersion}"`);
    return;
  }
  const spec = isObject(value["spec"]) ? value["spec"] : undefined;
  if (!spec) return problem([], "spec is missing");
  const names = isObject(spec["names"]) ? spec["names"] : {};
  const group = spec["group"];
  const crdKind = names["kind"];
  const plural = names["plural"];
  let ok = true;
  if (typeof group !== "string" || group === "") {
    problem(["spec"], "spec.group must be a non-empty string");
    ok = false;
  }
  if (typeof crdKind !== "string" || !identifier.test(crdKind)) {
    problem(["spec", "names", "kind"], `spec.names.kind must be a TypeScript identifier such as "CronTab", got ${JSON.stringify(crdKind ?? null)}`);
    ok = false;
  }
  const listKind = names["listKind"] ?? `${typeof crdKind === "string" ? crdKind : ""}List`;
  if (names["listKind"] !== undefined && (typeof listKind !== "string" || !identifier.test(listKind))) {
    problem(["spec", "names", "listKind"], `spec.names.listKind must be a TypeScript identifier, got ${JSON.stringify(listKind)}`);
    ok = false;
  }
  const rawVersions = spec["versions"];
  if (!Array.isArray(rawVersions) || rawVersions.length === 0) {
    problem(["spec"], "spec.versions must list at least one version");
    return;
  }
  const versions: CrdVersion[] = [];
  rawVersions.forEach((v: unknown, i) => {
    const vp: Path = ["spec", "versions", i];
    if (!isObject(v) || typeof v["name"] !== "string" || !/^[a-z0-9]+$/.test(v["name"])) {
      problem(vp, `spec.versions[${i}].name must be a version such as "v1"`);
      ok = false;
      return;
    }
    if (v["served"] !== true) return;
    const schema = isObject(v["schema"]) ? v["schema"]["openAPIV3Schema"] : undefined;
    if (!isObject(schema)) {
      problem(vp, `version ${v["name"]} has no schema.openAPIV3Schema (apiextensions.k8s.io/v1 requires one per version)`);
      ok = false;
      return;
    }
    versions.push({ name: v["name"], served: true, schema, line: lineOf([...vp, "schema", "openAPIV3Schema"]) });
  });
  if (!ok || typeof group !== "string" || typeof crdKind !== "string" || typeof listKind !== "string") return;
  if (versions.length === 0) {
    result.notes.push(`${file}:${line}: CustomResourceDefinition "${name}" serves no version; nothing to generate`);
    return;
  }
  result.crds.push({
    file,
    line,
    name,
    group,
    kind: crdKind,
    listKind,
    plural: typeof plural === "string" ? plural : "",
    scope: typeof spec["scope"] === "string" ? spec["scope"] : "Namespaced",
    versions,
  });
}
