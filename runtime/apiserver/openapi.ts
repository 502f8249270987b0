/**
 * OpenAPI v3 documents (/openapi/v3 and one per group-version) describing the served paths and operations
 * with their `x-kubernetes-group-version-kind` / `x-kubernetes-action` extensions and query parameters, and
 * `components.schemas` with the served kinds and the types they reference (`openapi/definitions.ts`), which
 * request and response bodies reference. kubectl reads them for `explain`, for whether the server validates
 * fields itself (the `fieldValidation` parameter) and for strategic-merge-patch metadata.
 */
import { createHash } from "node:crypto";
import { apiVersionOf } from "../core/gvk.js";
import type { DiscoveryRegistry, GroupVersionEntry } from "./discovery.js";
import { allVerbs } from "./resource.js";
import { builtinKindDefinitionName, definitionsFor, kindDefinitionName } from "./openapi/definitions.js";
import { statusName } from "./openapi/names.js";
import type { Schema } from "./openapi/types.js";
import { refTo, toV3Schemas } from "./openapi/v3.js";

const q = (name: string, description: string, type = "string") => ({ name, in: "query", description, schema: { type, uniqueItems: true } });

const writeParams = [
  q("dryRun", "When present, indicates that modifications should not be persisted."),
  q("fieldManager", "fieldManager is a name associated with the actor or entity that is making these changes."),
  q("fieldValidation", "fieldValidation instructs the server on how to handle objects in the request containing unknown or duplicate fields. Valid values are: Ignore, Warn, Strict."),
];
const listParams = ["allowWatchBookmarks", "continue", "fieldSelector", "labelSelector", "limit", "resourceVersion", "resourceVersionMatch", "sendInitialEvents", "timeoutSeconds", "watch"].map((n) =>
  q(n, n, n === "limit" || n === "timeoutSeconds" ? "integer" : n === "watch" || n === "allowWatchBookmarks" || n === "sendInitialEvents" ? "boolean" : "string"),
);
const bodyTypes = ["application/json", "application/yaml", "application/vnd.kubernetes.protobuf"];
const contentOf = (schema: Schema, types = bodyTypes): Record<string, unknown> => Object.fromEntries(types.map((t) => [t, { schema }]));
const anyObject: Schema = { type: "object" };

function pascal(s: string): string {
  return s
    .split(/[^a-zA-Z0-9]/)
    .filter(Boolean)
    .map((p) => p[0]?.toUpperCase() + p.slice(1))
    .join("");
}

export function groupVersionPath(gv: { group: string; version: string }): string {
  return gv.group ? `apis/${gv.group}/${gv.version}` : `api/${gv.version}`;
}

/** The OpenAPI v3 document of one group-version. */
export function openAPIV3Document(gv: GroupVersionEntry): Record<string, unknown> {
  const paths: Record<string, unknown> = {};
  const schemas = toV3Schemas(definitionsFor(gv.resources));
  const schemaOf = (name: string | undefined): Schema => (name ? refTo(name, true) : anyObject);
  const statusBody = contentOf(schemaOf(statusName));
  const groupName = gv.group ? pascal(gv.group.replace(/\.k8s\.io$/, "")) : "Core";
  const opPrefix = `${groupName}${pascal(gv.version)}`;
  for (const { def, subresources } of gv.resources) {
    const gvk = { group: def.group, version: def.version, kind: def.names.kind };
    const verbs = new Set(def.verbs ?? allVerbs);
    const base = `/${groupVersionPath(gv)}${def.namespaced ? "/namespaces/{namespace}" : ""}/${def.names.plural}`;
    const nsParam = def.namespaced ? [{ name: "namespace", in: "path", required: true, schema: { type: "string", uniqueItems: true } }] : [];
    const nameParam = [{ name: "name", in: "path", required: true, schema: { type: "string", uniqueItems: true } }];
    const kindName = `${def.namespaced ? "Namespaced" : ""}${def.names.kind}`;
    const objectBody = contentOf(schemaOf(kindDefinitionName(def)));
    const listBody = contentOf(schemaOf(kindDefinitionName(def, def.names.listKind)));
    const json = objectBody;
    const op = (action: string, verb: string, extra: Record<string, unknown> = {}, body = objectBody) => ({
      operationId: `${verb}${opPrefix}${kindName}`,
      parameters: [],
      responses: { "200": { description: "OK", content: body }, "401": { description: "Unauthorized" } },
      "x-kubernetes-action": action,
      "x-kubernetes-group-version-kind": gvk,
      ...extra,
    });
    const collection: Record<string, unknown> = { parameters: nsParam };
    if (verbs.has("list")) collection.get = op("list", "list", { parameters: listParams }, listBody);
    if (verbs.has("create")) collection.post = op("post", "create", { parameters: writeParams, requestBody: { content: json, required: true } });
    if (verbs.has("deletecollection")) collection.delete = op("deletecollection", "deleteCollection", { parameters: listParams }, statusBody);
    paths[base] = collection;
    const item: Record<string, unknown> = { parameters: [...nameParam, ...nsParam] };
    if (verbs.has("get")) item.get = op("get", "read");
    if (verbs.has("update")) item.put = op("put", "replace", { parameters: writeParams, requestBody: { content: json, required: true } });
    if (verbs.has("patch")) {
      const content: Record<string, unknown> = {
        "application/json-patch+json": { schema: { type: "object" } },
        "application/merge-patch+json": { schema: { type: "object" } },
        // kubectl (1.28+) computes a strategic merge patch for `apply` only when the PATCH operation accepts it
        ...(def.patchMeta ? { "application/strategic-merge-patch+json": { schema: { type: "object" } } } : {}),
        "application/apply-patch+yaml": { schema: { type: "object" } },
      };
      item.patch = op("patch", "patch", { parameters: [...writeParams, q("force", "Force is going to force Apply requests.", "boolean")], requestBody: { content, required: true } });
    }
    if (verbs.has("delete")) item.delete = op("delete", "delete", { parameters: [q("dryRun", "dry run"), q("gracePeriodSeconds", "grace period", "integer"), q("propagationPolicy", "propagation policy")] }, def.returnDeletedObject ? objectBody : statusBody);
    paths[`${base}/{name}`] = item;
    for (const sub of subresources) {
      const subItem: Record<string, unknown> = { parameters: [...nameParam, ...nsParam] };
      const subGVK = sub.kind;
      const subName = sub.kind.kind === def.names.kind && sub.kind.group === def.group ? kindDefinitionName(def) : builtinKindDefinitionName(sub.kind);
      const subBody = contentOf(schemaOf(subName));
      const subOp = (action: string, verb: string, extra: Record<string, unknown> = {}) => ({
        ...op(action, verb, extra, subBody),
        operationId: `${verb}${opPrefix}${kindName}${pascal(sub.name)}`,
        "x-kubernetes-group-version-kind": subGVK,
      });
      if (sub.verbs.includes("get")) subItem.get = subOp("get", "read");
      if (sub.verbs.includes("update")) subItem.put = subOp("put", "replace", { parameters: writeParams, requestBody: { content: subBody, required: true } });
      if (sub.verbs.includes("create")) subItem.post = subOp("post", "create", { parameters: writeParams, requestBody: { content: subBody, required: true } });
      if (sub.verbs.includes("patch")) subItem.patch = subOp("patch", "patch", { parameters: writeParams });
      paths[`${base}/{name}/${sub.name}`] = subItem;
    }
  }
  return {
    openapi: "3.0.0",
    info: { title: "Kubernetes", version: "v1.33.0" },
    paths,
    components: { schemas },
  };
}

/** The /openapi/v3 index: one entry per group-version with a content hash in its URL. */
export function openAPIV3Index(reg: DiscoveryRegistry, doc: (gv: GroupVersionEntry) => string): Record<string, unknown> {
  const paths: Record<string, unknown> = {};
  for (const group of ["", ...reg.groups()]) {
    for (const version of reg.versions(group)) {
      const gv = reg.groupVersion(group, version);
      if (!gv) continue;
      const p = groupVersionPath(gv);
      const hash = createHash("sha512").update(doc(gv)).digest("hex").slice(0, 128).toUpperCase();
      paths[p] = { serverRelativeURL: `/openapi/v3/${p}?hash=${hash}` };
    }
  }
  return { paths };
}

export { apiVersionOf };
