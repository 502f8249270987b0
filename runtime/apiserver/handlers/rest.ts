/**
 * The resource handlers: one function per verb turning an HTTP request into a registry call and the result
 * into the representation the client negotiated (object, Table, PartialObjectMetadata, JSON or YAML).
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import { newBadRequest, newInvalid, newMethodNotAllowed, newMethodNotSupported, newUnsupportedMediaType, StatusError } from "../../core/errors.js";
import type { KubeList, KubeObject } from "../../core/object.js";
import { isPlainObject } from "../../core/object.js";
import { isStatus } from "../../core/status.js";
import { bodyFormat, negotiateResource, patchType, type Representation } from "../http/negotiation.js";
import { decodeBody, decodePatchBody, readBody } from "../http/body.js";
import { sendObject, setWarnings } from "../http/respond.js";
import { applyPatch, type ApplyOptions } from "./patching.js";
import { unknownFieldChecker } from "../openapi/fieldvalidation.js";
import { managerOrUserAgent } from "../ssa/index.js";
import { fieldErrors, FieldPath } from "../../core/validation.js";
import type { RequestContext, Store } from "../registry/store.js";
import type { RequestInfo } from "../requestinfo.js";
import { partialObjectMetadata, toTable } from "../table.js";
import { parseDeleteOptions, parseListQuery, parseWriteQuery, type WriteQuery } from "./params.js";
import { serveWatch } from "./watch.js";
import type { ServedResource } from "../discovery.js";
import type { UserInfo } from "../admission/types.js";

/** A subresource beyond status and scale (pods/binding, namespaces/finalize, ...). */
export interface SubresourceHandler {
  /** Handles the request; `body` is the decoded body for writes. Returns [status code, response object]. */
  handle(ctx: RequestContext, verb: string, name: string, body: unknown): Promise<[number, unknown]>;
}

export interface ResourceScope {
  store: Store;
  served: ServedResource;
  subresources: Map<string, SubresourceHandler>;
}

const acceptedBodyTypes = ["application/json", "application/yaml", "application/vnd.kubernetes.protobuf"];
const acceptedPatchTypes = ["application/json-patch+json", "application/merge-patch+json", "application/apply-patch+yaml"];

function render(rep: Representation, scope: ResourceScope, obj: KubeObject, includeObject: "None" | "Metadata" | "Object" = "Metadata"): unknown {
  if (rep.kind === "table") return toTable(scope.store.def, [obj], { resourceVersion: obj.metadata.resourceVersion ?? "" }, rep.version, includeObject);
  if (rep.kind === "metadata") return partialObjectMetadata(obj, rep.version);
  return obj;
}

function send(res: ServerResponse, rep: Representation, code: number, body: unknown): void {
  sendObject(res, code, body, rep.kind === "object" ? rep.format : "json");
}

/** Strips kind/apiVersion from list items, as typed lists from kube-apiserver carry none. */
function listItems(items: KubeObject[]): unknown[] {
  return items.map(({ kind: _k, apiVersion: _a, ...rest }) => rest);
}

export interface RequestEnv {
  user: UserInfo;
  query: URLSearchParams;
}

export async function serveResource(scope: ResourceScope, info: RequestInfo, req: IncomingMessage, res: ServerResponse, env: RequestEnv): Promise<void> {
  const { store } = scope;
  const def = store.def;
  const q = env.query;
  const rep = negotiateResource(req.headers.accept);
  const ctx: RequestContext = { namespace: def.namespaced ? info.namespace : "", user: env.user, dryRun: false, warnings: [] };
  const verbs = def.verbs;
  const verb = info.verb;
  if (verb === "") throw newMethodNotSupported(store.gr, (req.method ?? "").toLowerCase());
  if (info.subresource) return serveSubresource(scope, info, req, res, ctx, rep);
  if (verbs && !verbs.includes(verb)) throw newMethodNotSupported(store.gr, verb);
  if (def.namespaced && !info.namespace && verb !== "list" && verb !== "watch") {
    // the all-namespaces path of a namespaced resource serves only list and watch (no route otherwise, as upstream)
    throw newMethodNotAllowed();
  }
  if (!def.namespaced && info.namespace && info.resource !== "namespaces") {
    throw newBadRequest(`the server could not find the requested resource`);
  }

  switch (verb) {
    case "get": {
      const obj = await store.get(ctx, info.name);
      const inc = q.get("includeObject");
      send(res, rep, 200, render(rep, scope, obj, inc === "Object" || inc === "None" ? inc : "Metadata"));
      return;
    }
    case "list": {
      const lq = parseListQuery(q, false);
      const list = await store.list(ctx, lq);
      sendList(res, rep, scope, list, lq.includeObject);
      return;
    }
    case "watch": {
      const lq = parseListQuery(q, true);
      await serveWatch(scope, ctx, lq, rep, req, res);
      return;
    }
    case "create": {
      const wq = parseWriteQuery(q, "CreateOptions");
      ctx.dryRun = wq.dryRun;
      ctx.fieldManager = { manager: managerOrUserAgent(wq.fieldManager, req.headers["user-agent"]) };
      const obj = await readObject(req, store);
      if (info.name) throw newMethodNotSupported(store.gr, "create");
      (await unknownFieldChecker(def, wq.fieldValidation, ctx.warnings))(obj);
      const out = await store.create(ctx, obj);
      setWarnings(res, ctx.warnings);
      send(res, rep, 201, render(rep, scope, out));
      return;
    }
    case "update": {
      const wq = parseWriteQuery(q, "UpdateOptions");
      ctx.dryRun = wq.dryRun;
      ctx.fieldManager = { manager: managerOrUserAgent(wq.fieldManager, req.headers["user-agent"]) };
      const obj = await readObject(req, store);
      (await unknownFieldChecker(def, wq.fieldValidation, ctx.warnings))(obj);
      const { object, created } = await store.update(ctx, info.name, () => obj);
      setWarnings(res, ctx.warnings);
      send(res, rep, created ? 201 : 200, render(rep, scope, object));
      return;
    }
    case "patch": {
      const wq = parseWriteQuery(q, "PatchOptions");
      ctx.dryRun = wq.dryRun;
      const patch = await readPatch(req, !!scope.store.def.patchMeta);
      const apply = patchManagement(ctx, patch, q, wq, req, "");
      const checkUnknown = await unknownFieldChecker(def, patch.type === "apply" ? "Ignore" : wq.fieldValidation, ctx.warnings);
      const patched = (cur: KubeObject | undefined): KubeObject => {
        const out = applyPatch(scope, patch, cur, info.name, apply);
        checkUnknown(out, { previous: cur, patched: true });
        return out;
      };
      const { object, created } = await store.update(ctx, info.name, patched, patch.type === "apply" ? { forceAllowCreate: true } : {});
      setWarnings(res, ctx.warnings);
      send(res, rep, created ? 201 : 200, render(rep, scope, object));
      return;
    }
    case "delete": {
      const body = await readOptionalBody(req);
      const opts = parseDeleteOptions(q, body);
      ctx.dryRun = opts.dryRun;
      const result = await store.delete(ctx, info.name, opts);
      setWarnings(res, ctx.warnings);
      const out = result.object;
      send(res, rep, 200, isStatus(out) ? out : render(rep, scope, out));
      return;
    }
    case "deletecollection": {
      const body = await readOptionalBody(req);
      const opts = parseDeleteOptions(q, body);
      ctx.dryRun = opts.dryRun;
      const lq = parseListQuery(q, false);
      const list = await store.deleteCollection(ctx, lq, opts);
      sendList(res, rep, scope, list, lq.includeObject);
      return;
    }
  }
}

function sendList(res: ServerResponse, rep: Representation, scope: ResourceScope, list: KubeList, includeObject: "None" | "Metadata" | "Object"): void {
  if (rep.kind === "table") {
    send(res, rep, 200, toTable(scope.store.def, list.items, list.metadata, rep.version, includeObject));
  } else if (rep.kind === "metadata") {
    send(res, rep, 200, {
      kind: "PartialObjectMetadataList",
      apiVersion: `meta.k8s.io/${rep.version}`,
      metadata: list.metadata,
      items: list.items.map((o) => partialObjectMetadata(o, rep.version)),
    });
  } else {
    send(res, rep, 200, { kind: list.kind, apiVersion: list.apiVersion, metadata: list.metadata, items: scope.store.def.unstructured ? list.items : listItems(list.items) });
  }
}

async function readOptionalBody(req: IncomingMessage): Promise<unknown> {
  const body = await readBody(req);
  if (body.length === 0) return undefined;
  const fmt = bodyFormat(req.headers["content-type"]) ?? "json";
  return decodeBody(body, fmt, "DeleteOptions");
}

/** Reads a create/update body and checks it is an object of this resource's kind and version. */
export async function readObject(req: IncomingMessage, store: Store, expectedKind = store.def.names.kind, expectedApiVersion = store.apiVersion): Promise<KubeObject> {
  const fmt = bodyFormat(req.headers["content-type"]);
  if (!fmt) {
    req.resume();
    throw newUnsupportedMediaType(String(req.headers["content-type"] ?? ""), acceptedBodyTypes);
  }
  const body = await readBody(req);
  const raw = decodeBody(body, fmt, expectedKind);
  if (!isPlainObject(raw)) {
    throw newBadRequest(`the object provided is unrecognized (must be of type ${expectedKind}): couldn't get version/kind; json parse error: expected an object`);
  }
  const kind = typeof raw.kind === "string" ? raw.kind : "";
  const apiVersion = typeof raw.apiVersion === "string" ? raw.apiVersion : "";
  if (kind && kind !== expectedKind) {
    throw newBadRequest(`${kind} in version "${apiVersion.split("/").pop() ?? ""}" cannot be handled as a ${expectedKind}: no kind "${kind}" is registered for the ${expectedKind} endpoint`);
  }
  if (apiVersion && apiVersion !== expectedApiVersion) {
    throw newBadRequest(`the API version in the data (${apiVersion}) does not match the expected API version (${expectedApiVersion})`);
  }
  if (raw.metadata !== undefined && !isPlainObject(raw.metadata)) {
    throw newBadRequest(`${expectedKind} in version "${expectedApiVersion.split("/").pop() ?? ""}" cannot be handled as a ${expectedKind}: json: cannot unmarshal ${Array.isArray(raw.metadata) ? "array" : typeof raw.metadata} into Go struct field ${expectedKind}.metadata of type v1.ObjectMeta`);
  }
  if (raw.metadata === undefined) raw.metadata = {};
  return raw as KubeObject;
}

export interface DecodedPatch {
  type: "json" | "merge" | "strategic" | "apply";
  patch: unknown;
}

/** Reads a patch body; strategic merge patch only where the kind has patch metadata. */
async function readPatch(req: IncomingMessage, strategicAllowed: boolean): Promise<DecodedPatch> {
  const type = patchType(req.headers["content-type"]);
  const accepted = strategicAllowed ? ["application/json-patch+json", "application/merge-patch+json", "application/strategic-merge-patch+json", "application/apply-patch+yaml"] : acceptedPatchTypes;
  if (!type || (type === "strategic" && !strategicAllowed)) {
    req.resume();
    throw newUnsupportedMediaType(String(req.headers["content-type"] ?? ""), accepted);
  }
  const body = await readBody(req);
  return { type, patch: decodePatchBody(body, type === "apply") };
}

/**
 * PatchOptions checks (fieldManager required for apply, force only for apply) and who manages the write: the
 * apply options for server-side apply, else ctx.fieldManager for the registry's Update bookkeeping.
 */
function patchManagement(ctx: RequestContext, patch: DecodedPatch, q: URLSearchParams, wq: WriteQuery, req: IncomingMessage, subresource: "" | "status"): ApplyOptions | undefined {
  if (patch.type !== "apply") {
    if (q.has("force")) throw newInvalid({ group: "meta.k8s.io", kind: "PatchOptions" }, "", [fieldErrors.forbidden(FieldPath.of("force"), "may not be specified for non-apply patch")]);
    ctx.fieldManager = { manager: managerOrUserAgent(wq.fieldManager, req.headers["user-agent"]) };
    return undefined;
  }
  if (!wq.fieldManager) throw newInvalid({ group: "meta.k8s.io", kind: "PatchOptions" }, "", [fieldErrors.required(FieldPath.of("fieldManager"), "is required for apply patch")]);
  const opts: ApplyOptions = { manager: wq.fieldManager, force: wq.force, subresource };
  if (ctx.now) opts.now = ctx.now;
  return opts;
}

async function serveSubresource(scope: ResourceScope, info: RequestInfo, req: IncomingMessage, res: ServerResponse, ctx: RequestContext, rep: Representation): Promise<void> {
  const { store } = scope;
  const sub = info.subresource;
  const q = new URL(req.url ?? "/", "http://x").searchParams;
  const verb = info.verb;
  if (sub === "status" && store.def.statusSubresource) {
    switch (verb) {
      case "get":
        send(res, rep, 200, render(rep, scope, await store.get(ctx, info.name)));
        return;
      case "update": {
        const wq = parseWriteQuery(q, "UpdateOptions");
        ctx.dryRun = wq.dryRun;
        ctx.fieldManager = { manager: managerOrUserAgent(wq.fieldManager, req.headers["user-agent"]) };
        const obj = await readObject(req, store);
        const { object } = await store.update(ctx, info.name, () => obj, { subresource: "status" });
        setWarnings(res, ctx.warnings);
        send(res, rep, 200, render(rep, scope, object));
        return;
      }
      case "patch": {
        const wq = parseWriteQuery(q, "PatchOptions");
        ctx.dryRun = wq.dryRun;
        const patch = await readPatch(req, !!scope.store.def.patchMeta);
        const apply = patchManagement(ctx, patch, q, wq, req, "status");
        const { object } = await store.update(ctx, info.name, (cur) => applyPatch(scope, patch, cur, info.name, apply), { subresource: "status" });
        setWarnings(res, ctx.warnings);
        send(res, rep, 200, render(rep, scope, object));
        return;
      }
      default:
        throw newMethodNotSupported(store.gr, verb);
    }
  }
  if (sub === "scale" && store.def.scale) {
    const { scaleOf, applyScale } = await import("./scale.js");
    switch (verb) {
      case "get":
        sendObject(res, 200, scaleOf(store, await store.get(ctx, info.name)));
        return;
      case "update":
      case "patch": {
        const wq = parseWriteQuery(q, verb === "update" ? "UpdateOptions" : "PatchOptions");
        ctx.dryRun = wq.dryRun;
        ctx.fieldManager = { manager: managerOrUserAgent(wq.fieldManager, req.headers["user-agent"]), subresource: "scale" };
        let body: KubeObject | DecodedPatch;
        if (verb === "update") {
          body = await readObject(req, store, "Scale", "autoscaling/v1");
        } else {
          body = await readPatch(req, true);
        }
        const object = await applyScale(store, ctx, info.name, body);
        setWarnings(res, ctx.warnings);
        sendObject(res, 200, scaleOf(store, object));
        return;
      }
      default:
        throw newMethodNotSupported(store.gr, verb);
    }
  }
  const handler = scope.subresources.get(sub);
  if (!handler) throw new StatusError({ kind: "Status", apiVersion: "v1", metadata: {}, status: "Failure", message: "the server could not find the requested resource", reason: "NotFound", details: {}, code: 404 });
  let body: unknown;
  if (verb === "create" || verb === "update") {
    ctx.dryRun = parseWriteQuery(q, verb === "create" ? "CreateOptions" : "UpdateOptions").dryRun;
    const fmt = bodyFormat(req.headers["content-type"]);
    if (!fmt) throw newUnsupportedMediaType(String(req.headers["content-type"] ?? ""), acceptedBodyTypes);
    body = decodeBody(await readBody(req), fmt, store.def.names.kind);
  }
  const [code, out] = await handler.handle(ctx, verb, info.name, body);
  setWarnings(res, ctx.warnings);
  sendObject(res, code, out);
}
