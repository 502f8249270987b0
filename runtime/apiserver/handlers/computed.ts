/**
 * Computed read-only resources: get and list answered by a handler on every request, with nothing stored —
 * the shape of metrics.k8s.io (NodeMetrics, PodMetrics) and the custom/external metrics APIs. The server
 * does the rest the way it does for stored resources:
 *
 * - discovery lists the resource with verbs get and list;
 * - get: the handler's object (apiVersion and kind filled in); undefined → 404 `<resource>.<group> "<name>" not found`;
 * - list: the handler's objects filtered by the request's label and field selectors (metadata.name,
 *   metadata.namespace and the definition's `selectableFields`; an unknown field is a 400), as a
 *   `<listKind>` with the definition's apiVersion — the handler gets the parsed selectors too, to narrow
 *   what it computes, but need not apply them;
 * - Table (`kubectl get`, columns from `def.table`) and PartialObjectMetadata representations, JSON or YAML;
 * - watch → 405 `watch is not supported on resources of kind ...`, any other verb → 405 MethodNotAllowed,
 *   subresources → 404.
 *
 * Not supported: limit/continue paging (the whole list is returned, as metrics-server does) and
 * resourceVersion semantics (the list's resourceVersion is what the handler reports, default none).
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import { newGenericNotFound, newMethodNotAllowed, newMethodNotSupported, newNotFound } from "../../core/errors.js";
import type { FieldSelector } from "../../core/fields.js";
import type { Selector } from "../../core/labels.js";
import type { KubeObject, ListMeta } from "../../core/object.js";
import type { UserInfo } from "../admission/types.js";
import { negotiateResource, type Representation } from "../http/negotiation.js";
import { sendObject } from "../http/respond.js";
import { buildSelection } from "../registry/selection.js";
import type { RequestInfo } from "../requestinfo.js";
import type { ResourceDefinition } from "../resource.js";
import { partialObjectMetadata, toTable } from "../table.js";
import { parseListQuery } from "./params.js";

export interface ComputedContext {
  /** The authenticated (and authorized) user of the request. */
  user: UserInfo;
}

export interface ComputedListOptions {
  /** The request's label selector, parsed (absent: everything). */
  labelSelector?: Selector;
  /** The request's field selector, parsed (absent: everything). */
  fieldSelector?: FieldSelector;
}

/** A list with its resourceVersion (for handlers that have one). */
export interface ComputedList {
  items: readonly KubeObject[];
  resourceVersion?: string;
}

/**
 * Computes a read-only resource. `namespace` is "" for cluster-scoped resources and for a namespaced
 * resource listed across all namespaces. Both may throw a StatusError (it becomes the response).
 */
export interface ComputedResourceHandler {
  /** The object `name` (in `namespace`), or undefined when there is none (404). */
  get(ctx: ComputedContext, namespace: string, name: string): KubeObject | undefined | Promise<KubeObject | undefined>;
  /** The objects of `namespace` (all namespaces when ""); selectors are applied to the result afterwards. */
  list(ctx: ComputedContext, namespace: string, opts: ComputedListOptions): readonly KubeObject[] | ComputedList | Promise<readonly KubeObject[] | ComputedList>;
}

function apiVersionOf(def: ResourceDefinition): string {
  return def.group ? `${def.group}/${def.version}` : def.version;
}

function typed(def: ResourceDefinition, obj: KubeObject): KubeObject {
  const { kind: _k, apiVersion: _a, ...rest } = obj;
  return { kind: def.names.kind, apiVersion: apiVersionOf(def), ...rest } as KubeObject;
}

function send(res: ServerResponse, rep: Representation, body: unknown): void {
  sendObject(res, 200, body, rep.kind === "object" ? rep.format : "json");
}

export async function serveComputed(def: ResourceDefinition, handler: ComputedResourceHandler, info: RequestInfo, req: IncomingMessage, res: ServerResponse, user: UserInfo, query: URLSearchParams): Promise<void> {
  const gr = { group: def.group, resource: def.names.plural };
  if (info.subresource) throw newGenericNotFound();
  if (info.verb === "watch") throw newMethodNotSupported(gr, "watch");
  if (info.verb !== "get" && info.verb !== "list") throw newMethodNotAllowed();
  if (!def.namespaced && info.namespace) throw newGenericNotFound();
  if (def.namespaced && !info.namespace && info.verb === "get") throw newGenericNotFound();
  const rep = negotiateResource(req.headers.accept);
  const ctx: ComputedContext = { user };
  const namespace = def.namespaced ? info.namespace : "";

  if (info.verb === "get") {
    const found = await handler.get(ctx, namespace, info.name);
    if (!found) throw newNotFound(gr, info.name);
    const obj = typed(def, found);
    const inc = query.get("includeObject");
    if (rep.kind === "table") send(res, rep, toTable(def, [obj], { resourceVersion: obj.metadata.resourceVersion ?? "" }, rep.version, inc === "Object" || inc === "None" ? inc : "Metadata"));
    else if (rep.kind === "metadata") send(res, rep, partialObjectMetadata(obj, rep.version));
    else send(res, rep, obj);
    return;
  }

  const lq = parseListQuery(query, false);
  const sel = buildSelection(def, lq.labelSelector, lq.fieldSelector);
  const opts: ComputedListOptions = {};
  if (sel.labels) opts.labelSelector = sel.labels;
  if (sel.fields) opts.fieldSelector = sel.fields;
  const out = await handler.list(ctx, namespace, opts);
  const list: ComputedList = Array.isArray(out) ? { items: out } : (out as ComputedList);
  let items = list.items.map((o) => typed(def, o));
  if (namespace) items = items.filter((o) => (o.metadata.namespace ?? "") === namespace);
  if (sel.predicate) items = items.filter(sel.predicate);
  const meta: ListMeta = list.resourceVersion ? { resourceVersion: list.resourceVersion } : {};
  if (rep.kind === "table") {
    send(res, rep, toTable(def, items, meta, rep.version, lq.includeObject));
  } else if (rep.kind === "metadata") {
    send(res, rep, { kind: "PartialObjectMetadataList", apiVersion: `meta.k8s.io/${rep.version}`, metadata: meta, items: items.map((o) => partialObjectMetadata(o, rep.version)) });
  } else {
    const bare = def.unstructured ? items : items.map(({ kind: _k, apiVersion: _a, ...rest }) => rest);
    send(res, rep, { kind: def.names.listKind, apiVersion: apiVersionOf(def), metadata: meta, items: bare });
  }
}
