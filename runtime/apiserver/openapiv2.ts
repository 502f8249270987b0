/**
 * The OpenAPI v2 (Swagger 2.0) document at /openapi/v2, as JSON or — what kubectl up to 1.2x asks for — as a
 * gnostic `openapi.v2.Document` protobuf (Accept `application/com.github.proto-openapi.spec.v2@v1.0+protobuf`).
 *
 * kubectl 1.27 downloads it before every create/apply/replace with validation on: it fails the command when the
 * document cannot be fetched, and it looks up the PATCH operation of each kind (by `x-kubernetes-group-version-kind`)
 * for the `fieldValidation` and `dryRun` parameters to decide whether the server validates fields itself and
 * supports server-side dry run. Like the v3 documents, it publishes the schemas of the served kinds and the
 * types they reference as `definitions` (read by `kubectl explain --output=plaintext-openapiv2` and, in kubectl
 * 1.27, by `kubectl apply` for strategic-merge-patch metadata), which body parameters and responses reference.
 */
import { createHash } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import type { DiscoveryRegistry, GroupVersionEntry } from "./discovery.js";
import { groupVersionPath } from "./openapi.js";
import { ProtoWriter } from "./protobuf/wire.js";
import { allVerbs, type ResourceDefinition } from "./resource.js";
import { builtinKindDefinitionName, definitionsFor, kindDefinitionName } from "./openapi/definitions.js";
import { statusName } from "./openapi/names.js";
import type { Definitions, Schema } from "./openapi/types.js";
import { refTo } from "./openapi/v3.js";
import { encodeDefinitions, encodeSchema, yamlText } from "./openapi/v2proto.js";

/** What kubectl asks for in Accept … */
export const openAPIV2ProtobufAccept = "application/com.github.proto-openapi.spec.v2@v1.0+protobuf";
/** … and the Content-Type kube-apiserver answers with (Go's mime parser rejects the "@" form). */
export const openAPIV2ProtobufType = "application/com.github.proto-openapi.spec.v2.v1.0+protobuf";
const protobufAccept = new Set([openAPIV2ProtobufAccept, openAPIV2ProtobufType]);

interface Param {
  name: string;
  in: "query" | "path" | "body";
  description: string;
  type?: string;
  required?: boolean;
  uniqueItems?: boolean;
  schema?: Schema;
}

interface Operation {
  description: string;
  consumes: string[];
  produces: string[];
  schemes: string[];
  tags: string[];
  operationId: string;
  parameters?: Param[];
  responses: Record<string, { description: string; schema?: Schema }>;
  "x-kubernetes-action": string;
  "x-kubernetes-group-version-kind": { group: string; kind: string; version: string };
}

type PathItem = Partial<Record<"get" | "put" | "post" | "delete" | "patch", Operation>> & { parameters?: Param[] };

export interface SwaggerDocument {
  swagger: "2.0";
  info: { title: string; version: string };
  paths: Record<string, PathItem>;
  definitions: Definitions;
}

const query = (name: string, description: string, type = "string"): Param => ({ name, in: "query", description, type, uniqueItems: true });
const body: Param = { name: "body", in: "body", required: true, description: "", schema: { type: "object" } };
const writeParams = [
  query("dryRun", "When present, indicates that modifications should not be persisted. An invalid or unrecognized dryRun directive will result in an error response and no further processing of the request. Valid values are: - All: all dry run stages will be processed"),
  query("fieldManager", "fieldManager is a name associated with the actor or entity that is making these changes. The value must be less than or 128 characters long, and only contain printable characters, as defined by https://golang.org/pkg/unicode/#IsPrint."),
  query("fieldValidation", "fieldValidation instructs the server on how to handle objects in the request (POST/PUT/PATCH) containing unknown or duplicate fields. Valid values are: - Ignore - Warn - Strict"),
];
const listParams = [
  query("allowWatchBookmarks", "allowWatchBookmarks requests watch events with type \"BOOKMARK\".", "boolean"),
  query("continue", "The continue option should be set when retrieving more results from the server."),
  query("fieldSelector", "A selector to restrict the list of returned objects by their fields. Defaults to everything."),
  query("labelSelector", "A selector to restrict the list of returned objects by their labels. Defaults to everything."),
  query("limit", "limit is a maximum number of responses to return for a list call.", "integer"),
  query("resourceVersion", "resourceVersion sets a constraint on what resource versions a request may be served from."),
  query("resourceVersionMatch", "resourceVersionMatch determines how resourceVersion is applied to list calls."),
  query("sendInitialEvents", "`sendInitialEvents=true` may be set together with `watch=true`.", "boolean"),
  query("timeoutSeconds", "Timeout for the list/watch call.", "integer"),
  query("watch", "Watch for changes to the described resources and return them as a stream of add, update, and remove notifications.", "boolean"),
];
const deleteParams = [
  query("dryRun", writeParams[0]?.description ?? ""),
  query("gracePeriodSeconds", "The duration in seconds before the object should be deleted.", "integer"),
  query("orphanDependents", "Deprecated: please use the PropagationPolicy, this field will be deprecated in 1.7.", "boolean"),
  query("propagationPolicy", "Whether and how garbage collection will be performed. Acceptable values are: 'Orphan', 'Background', 'Foreground'."),
];
const pathParam = (name: string, description: string): Param => ({ name, in: "path", description, required: true, type: "string", uniqueItems: true });
const pretty = query("pretty", "If 'true', then the output is pretty printed. Defaults to 'false' unless the user-agent indicates a browser or command-line HTTP tool (curl and wget).");

const jsonTypes = ["application/json", "application/yaml", "application/vnd.kubernetes.protobuf"];
const patchTypes = ["application/json-patch+json", "application/merge-patch+json", "application/strategic-merge-patch+json", "application/apply-patch+yaml"];

function pascal(s: string): string {
  return s
    .split(/[^a-zA-Z0-9]/)
    .filter(Boolean)
    .map((p) => (p[0]?.toUpperCase() ?? "") + p.slice(1))
    .join("");
}

/** The operation-id prefix upstream uses: core → "CoreV1", apps → "AppsV1", rbac.authorization.k8s.io → "RbacAuthorizationV1". */
function opPrefix(gv: GroupVersionEntry): string {
  const group = gv.group ? pascal(gv.group.replace(/\.k8s\.io$/, "")) : "Core";
  return `${group}${pascal(gv.version)}`;
}

function tag(gv: GroupVersionEntry): string {
  const group = gv.group ? gv.group.replace(/\.k8s\.io$/, "").replace(/\./g, "_") : "core";
  return `${group}_${gv.version}`;
}

/** The Swagger 2.0 document for every served group-version. */
export function openAPIV2Document(reg: DiscoveryRegistry, version: string): SwaggerDocument {
  const paths: Record<string, PathItem> = {};
  const served: GroupVersionEntry["resources"] = [];
  for (const group of ["", ...reg.groups()]) {
    for (const v of reg.versions(group)) {
      const gv = reg.groupVersion(group, v);
      if (!gv) continue;
      addGroupVersion(paths, gv);
      served.push(...gv.resources);
    }
  }
  return { swagger: "2.0", info: { title: "Kubernetes", version }, paths, definitions: definitionsFor(served) };
}

function addGroupVersion(paths: Record<string, PathItem>, gv: GroupVersionEntry): void {
  const prefix = opPrefix(gv);
  for (const { def, subresources } of gv.resources) {
    const gvk = { group: def.group, kind: def.names.kind, version: def.version };
    const verbs = new Set(def.verbs ?? allVerbs);
    const base = `/${groupVersionPath(gv)}${def.namespaced ? "/namespaces/{namespace}" : ""}/${def.names.plural}`;
    const nsParams = def.namespaced ? [pathParam("namespace", "object name and auth scope, such as for teams and projects")] : [];
    const nameParam = pathParam("name", `name of the ${def.names.kind}`);
    const kindName = `${def.namespaced ? "Namespaced" : ""}${def.names.kind}`;
    const schemaOf = (name: string | undefined): Schema => (name ? refTo(name, false) : { type: "object" });
    const objectSchema = schemaOf(kindDefinitionName(def));
    const listSchema = schemaOf(kindDefinitionName(def, def.names.listKind));
    const statusSchema = schemaOf(statusName);
    const bodyOf = (schema: Schema): Param => ({ ...body, schema });
    const op = (action: string, verb: string, description: string, parameters: Param[] | undefined, consumes = ["*/*"], k = gvk, suffix = "", schema = objectSchema): Operation => ({
      description,
      consumes,
      produces: ["application/json", "application/yaml", "application/vnd.kubernetes.protobuf"],
      schemes: ["https"],
      tags: [tag(gv)],
      operationId: `${verb}${prefix}${kindName}${suffix}`,
      ...(parameters ? { parameters } : {}),
      responses: { "200": { description: "OK", schema }, "401": { description: "Unauthorized" } },
      "x-kubernetes-action": action,
      "x-kubernetes-group-version-kind": k,
    });
    const collection: PathItem = {};
    if (verbs.has("list")) collection.get = op("list", "list", `list or watch objects of kind ${def.names.kind}`, listParams, undefined, gvk, "", listSchema);
    if (verbs.has("create")) collection.post = op("post", "create", `create a ${def.names.kind}`, [bodyOf(objectSchema), ...writeParams], jsonTypes);
    if (verbs.has("deletecollection")) collection.delete = op("deletecollection", "deleteCollection", `delete collection of ${def.names.kind}`, [body, ...deleteParams, ...listParams], undefined, gvk, "", statusSchema);
    collection.parameters = [...nsParams, pretty];
    paths[base] = collection;

    const item: PathItem = {};
    if (verbs.has("get")) item.get = op("get", "read", `read the specified ${def.names.kind}`, undefined);
    if (verbs.has("update")) item.put = op("put", "replace", `replace the specified ${def.names.kind}`, [bodyOf(objectSchema), ...writeParams], jsonTypes);
    if (verbs.has("delete")) item.delete = op("delete", "delete", `delete a ${def.names.kind}`, [body, ...deleteParams], undefined, gvk, "", def.returnDeletedObject ? objectSchema : statusSchema);
    // kubectl apply computes a strategic merge patch only when the PATCH operation consumes it
    const kindPatchTypes = def.patchMeta ? patchTypes : patchTypes.filter((t) => t !== "application/strategic-merge-patch+json");
    if (verbs.has("patch")) item.patch = op("patch", "patch", `partially update the specified ${def.names.kind}`, [body, ...writeParams, query("force", "Force is going to \"force\" Apply requests.", "boolean")], kindPatchTypes);
    item.parameters = [nameParam, ...nsParams, pretty];
    paths[`${base}/{name}`] = item;

    for (const sub of subresources) {
      const subItem: PathItem = {};
      const k = { group: sub.kind.group, kind: sub.kind.kind, version: sub.kind.version };
      const s = pascal(sub.name);
      const subSchema = schemaOf(sub.kind.kind === def.names.kind && sub.kind.group === def.group ? kindDefinitionName(def) : builtinKindDefinitionName(sub.kind));
      if (sub.verbs.includes("get")) subItem.get = op("get", "read", `read ${sub.name} of the specified ${def.names.kind}`, undefined, ["*/*"], k, s, subSchema);
      if (sub.verbs.includes("update")) subItem.put = op("put", "replace", `replace ${sub.name} of the specified ${def.names.kind}`, [bodyOf(subSchema), ...writeParams], jsonTypes, k, s, subSchema);
      if (sub.verbs.includes("create")) subItem.post = op("post", "create", `create ${sub.name} of a ${def.names.kind}`, [bodyOf(subSchema), ...writeParams], jsonTypes, k, s, subSchema);
      if (sub.verbs.includes("patch")) subItem.patch = op("patch", "patch", `partially update ${sub.name} of the specified ${def.names.kind}`, [body, ...writeParams, query("force", "Force is going to \"force\" Apply requests.", "boolean")], kindPatchTypes, k, s, subSchema);
      subItem.parameters = [pathParam("name", `name of the ${sub.kind.kind}`), ...nsParams, pretty];
      paths[`${base}/{name}/${sub.name}`] = subItem;
    }
  }
}

// ---- gnostic openapi.v2 protobuf encoding (github.com/google/gnostic-models/openapiv2/OpenAPIv2.proto) ----

/** Any{yaml = 2}: gnostic keeps vendor-extension values as YAML text. */
function namedAny(w: ProtoWriter, field: number, name: string, value: unknown): void {
  w.message(field, (n) => n.string(1, name).message(2, (a) => a.string(2, yamlText(value))));
}

function encodeParam(w: ProtoWriter, p: Param): void {
  // ParametersItem{parameter = 1} → Parameter{body_parameter = 1 | non_body_parameter = 2}
  w.message(1, (param) => {
    if (p.in === "body") {
      param.message(1, (b) => {
        b.string(1, p.description).string(2, p.name).string(3, p.in).bool(4, p.required);
        const schema = p.schema;
        if (schema) b.message(5, (s) => encodeSchema(s, schema));
      });
      return;
    }
    param.message(2, (nb) => {
      if (p.in === "query") {
        // NonBodyParameter{query_parameter_sub_schema = 3}
        nb.message(3, (q) => {
          if (p.required) q.bool(1, true);
          q.string(2, p.in).string(3, p.description).string(4, p.name).string(6, p.type);
          if (p.uniqueItems) q.bool(20, true);
        });
      } else {
        // NonBodyParameter{path_parameter_sub_schema = 4}
        nb.message(4, (q) => {
          q.bool(1, true).string(2, p.in).string(3, p.description).string(4, p.name).string(5, p.type);
          if (p.uniqueItems) q.bool(19, true);
        });
      }
    });
  });
}

function encodeOperation(w: ProtoWriter, field: number, op: Operation): void {
  w.message(field, (o) => {
    o.strings(1, op.tags).string(3, op.description).string(5, op.operationId).strings(6, op.produces).strings(7, op.consumes);
    for (const p of op.parameters ?? []) o.message(8, (pi) => encodeParam(pi, p));
    // Responses{response_code = 1 (NamedResponseValue{name, value = ResponseValue{response = 1 (Response{description = 1, schema = 2 (SchemaItem{schema = 1})})}})}
    o.message(9, (rs) => {
      for (const [code, r] of Object.entries(op.responses)) {
        rs.message(1, (nr) =>
          nr.string(1, code).message(2, (rv) =>
            rv.message(1, (resp) => {
              resp.string(1, r.description);
              const schema = r.schema;
              if (schema) resp.message(2, (si) => si.message(1, (x) => encodeSchema(x, schema)));
            }),
          ),
        );
      }
    });
    o.strings(10, op.schemes);
    namedAny(o, 13, "x-kubernetes-action", op["x-kubernetes-action"]);
    namedAny(o, 13, "x-kubernetes-group-version-kind", op["x-kubernetes-group-version-kind"]);
  });
}

/** Encodes the document as a gnostic openapi.v2.Document. */
export function encodeOpenAPIV2(doc: SwaggerDocument): Buffer {
  const w = new ProtoWriter();
  w.string(1, doc.swagger);
  w.message(2, (info) => info.string(1, doc.info.title).string(2, doc.info.version));
  w.message(8, (paths) => {
    for (const [path, item] of Object.entries(doc.paths)) {
      paths.message(2, (np) =>
        np.string(1, path).message(2, (pi) => {
          const ops: [number, Operation | undefined][] = [
            [2, item.get],
            [3, item.put],
            [4, item.post],
            [5, item.delete],
            [8, item.patch],
          ];
          for (const [f, op] of ops) if (op) encodeOperation(pi, f, op);
          for (const p of item.parameters ?? []) pi.message(9, (x) => encodeParam(x, p));
        }),
      );
    }
  });
  w.message(9, (d) => encodeDefinitions(d, doc.definitions));
  return w.finish();
}

interface Cached {
  served: ResourceDefinition[];
  json: string;
  proto: Buffer;
  etag: string;
}

const cache = new WeakMap<DiscoveryRegistry, Cached>();

/** The served resource definitions: the document is rebuilt when any is added, removed or replaced (a CRD change). */
function servedDefinitions(reg: DiscoveryRegistry): ResourceDefinition[] {
  const out: ResourceDefinition[] = [];
  for (const group of ["", ...reg.groups()]) for (const v of reg.versions(group)) for (const r of reg.groupVersion(group, v)?.resources ?? []) out.push(r.def);
  return out;
}

function sameDefinitions(a: readonly ResourceDefinition[], b: readonly ResourceDefinition[]): boolean {
  return a.length === b.length && a.every((d, i) => d === b[i]);
}

/** GET /openapi/v2: protobuf when the Accept header asks for it, JSON otherwise; ETag / If-None-Match as upstream. */
export function serveOpenAPIV2(req: IncomingMessage, res: ServerResponse, reg: DiscoveryRegistry, version: string): void {
  const served = servedDefinitions(reg);
  let c = cache.get(reg);
  if (!c || !sameDefinitions(c.served, served)) {
    const doc = openAPIV2Document(reg, version);
    const json = JSON.stringify(doc);
    c = { served, json, proto: encodeOpenAPIV2(doc), etag: `"${createHash("sha512").update(json).digest("hex").slice(0, 128).toUpperCase()}"` };
    cache.set(reg, c);
  }
  const accept = (req.headers.accept ?? "").split(",").map((s) => s.split(";")[0]?.trim().toLowerCase() ?? "");
  const wantsProto = accept.some((a) => protobufAccept.has(a));
  res.setHeader("Vary", "Accept");
  res.setHeader("Etag", c.etag);
  res.setHeader("Cache-Control", "no-cache, private");
  if (req.headers["if-none-match"] === c.etag) {
    res.statusCode = 304;
    res.end();
    return;
  }
  res.statusCode = 200;
  if (wantsProto) {
    res.setHeader("Content-Type", openAPIV2ProtobufType);
    res.end(c.proto);
  } else {
    res.setHeader("Content-Type", "application/json");
    res.end(c.json);
  }
}
