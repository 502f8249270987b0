/**
 * The client operator authors use: controller-runtime's `client.Client` for plain JSON objects.
 *
 *   const client = new Client(kubeConfig, { fieldManager: "my-operator" });
 *   const dep = await client.get<Deployment>({ apiVersion: "apps/v1", kind: "Deployment", namespace: "ns", name: "web" });
 *   await client.patch(dep, mergePatch({ spec: { replicas: 3 } }));
 *   for await (const ev of client.watch({ apiVersion: "v1", kind: "Pod" }, { namespace: "ns", signal })) ...
 *
 * Contracts:
 * - Objects are identified by apiVersion and kind (plus namespace and name); the resource and its scope come
 *   from the RESTMapper (discovery, refreshed when a kind is unknown: see restmapper.ts).
 * - Objects are plain JSON in and out. The client never mutates its arguments; it returns the server's object.
 *   Returned objects always carry apiVersion and kind (list items and watch objects included, which the server
 *   may omit). Typed use: `get<Deployment>(...)`, `list<Deployment>(...)`; writes return the type of their
 *   argument (`T & KubeObject`, so that an object literal's result still has all of ObjectMeta).
 * - Namespaced kinds need a namespace for object operations (create/get/update/patch/delete) and for
 *   `deleteAllOf` (kube-apiserver has no cross-namespace delete collection); a missing one is a TypeError, not a
 *   silent default. For cluster-scoped kinds a namespace is ignored. `list` and `watch` without a namespace
 *   address all namespaces.
 * - Failures are typed (errors.ts): ApiError subclasses for error responses, TransportError without a response,
 *   NoKindMatchError for a kind the server does not serve.
 * - Every request goes through the client's rate limiter (default 20 qps, burst 30) and keep-alive agent.
 */
import type { KubeConfig } from "@kubernetes/client-node";
import { FieldSelector } from "../core/fields.js";
import { labelSelectorAsString, Selector, type LabelSelector } from "../core/labels.js";
import type { KubeList, KubeObject, ObjectMeta } from "../core/object.js";
import { isPlainObject } from "../core/object.js";
import { ExpiredError } from "./errors.js";
import { patchContentTypes, type Patch } from "./patch.js";
import { DiscoveryRESTMapper, mappingApiVersion, type RESTMapper, type RESTMapping } from "./restmapper.js";
import { Transport, type HttpMethod, type TransportOptions } from "./transport.js";
import { watchEvents, type WatchEvent } from "./watch.js";

/** A kind: `{ apiVersion: "apps/v1", kind: "Deployment" }`. */
export interface TypeRef {
  apiVersion: string;
  kind: string;
}

/** One object by kind, namespace and name. */
export interface ObjectRef extends TypeRef {
  name: string;
  /** Required for namespaced kinds. */
  namespace?: string;
}

/** An object, or a reference to one. */
export type ObjectOrRef = ObjectRef | KubeObject;

/** A label selector: the string form ("app=web,tier!=db"), a parsed Selector, or the API form. */
export type LabelSelectorInput = string | Selector | LabelSelector;
/** A field selector: the string form, a parsed FieldSelector, or equality terms ({ "status.phase": "Running" }). */
export type FieldSelectorInput = string | FieldSelector | Readonly<Record<string, string>>;

export interface RequestOptions {
  signal?: AbortSignal;
  /** Overrides the client's request timeout (ms; 0 = none). */
  timeoutMs?: number;
}

export interface GetOptions extends RequestOptions {
  /** "0" reads from the server's cache (any age); unset reads the latest. */
  resourceVersion?: string;
}

export interface ListOptions extends RequestOptions {
  namespace?: string;
  labelSelector?: LabelSelectorInput;
  fieldSelector?: FieldSelectorInput;
  /** Page size; the list's `metadata.continue` fetches the next page (see `listAll`). */
  limit?: number;
  continue?: string;
  resourceVersion?: string;
  resourceVersionMatch?: "NotOlderThan" | "Exact";
}

export interface WriteOptions extends RequestOptions {
  /** Validate and run admission without persisting (dryRun=All). */
  dryRun?: boolean;
  /** Overrides the client's fieldManager. */
  fieldManager?: string;
  fieldValidation?: "Strict" | "Warn" | "Ignore";
}

export type CreateOptions = WriteOptions;
export type UpdateOptions = WriteOptions;
export type PatchOptions = WriteOptions;

export interface ApplyOptions extends WriteOptions {
  /** Take ownership of fields other managers own (force=true). */
  force?: boolean;
}

export type PropagationPolicy = "Foreground" | "Background" | "Orphan";

export interface DeleteOptions extends RequestOptions {
  propagationPolicy?: PropagationPolicy;
  /** Seconds before the object is removed (0 = now); the kind's default when unset. */
  gracePeriodSeconds?: number;
  /** The delete fails with ConflictError unless the object still has this uid / resourceVersion. */
  preconditions?: { uid?: string; resourceVersion?: string };
  dryRun?: boolean;
}

export interface DeleteAllOfOptions extends DeleteOptions {
  namespace?: string;
  labelSelector?: LabelSelectorInput;
  fieldSelector?: FieldSelectorInput;
}

export interface WatchOptions {
  namespace?: string;
  labelSelector?: LabelSelectorInput;
  fieldSelector?: FieldSelectorInput;
  /** Start after this resourceVersion (unset: from now, after synthetic ADDED events for existing objects). */
  resourceVersion?: string;
  resourceVersionMatch?: "NotOlderThan" | "Exact";
  allowWatchBookmarks?: boolean;
  sendInitialEvents?: boolean;
  /** Ask the server to end the watch after this many seconds. */
  timeoutSeconds?: number;
  /** Aborting ends the iteration (without an error) and closes the connection. */
  signal?: AbortSignal;
}

/** autoscaling/v1 Scale, the body of the scale subresource. */
export interface Scale extends KubeObject {
  spec?: { replicas?: number };
  status?: { replicas: number; selector?: string };
}

export interface ClientOptions extends TransportOptions {
  /** Default fieldManager of writes (unset: the server derives one from the user agent). */
  fieldManager?: string;
  /** Default: a DiscoveryRESTMapper over this client's transport. */
  restMapper?: RESTMapper;
}

/** Writes of the status subresource (controller-runtime's `client.Status()`). */
export interface StatusWriter {
  /** PUT …/status: only status changes are kept; resourceVersion conflicts as for update. */
  update<T extends KubeObject>(obj: T, opts?: UpdateOptions): Promise<T & KubeObject>;
  patch<T extends KubeObject = KubeObject>(obj: T | ObjectRef, patch: Patch, opts?: PatchOptions): Promise<T & KubeObject>;
}

/** The scale subresource (autoscaling/v1 Scale) of a Deployment, StatefulSet, ReplicaSet or custom resource. */
export interface ScaleClient {
  get(target: ObjectOrRef, opts?: RequestOptions): Promise<Scale>;
  /** PUT …/scale; `scale` needs only `spec.replicas` (metadata, apiVersion and kind are filled in). */
  update(target: ObjectOrRef, scale: Partial<Scale>, opts?: UpdateOptions): Promise<Scale>;
  patch(target: ObjectOrRef, patch: Patch, opts?: PatchOptions): Promise<Scale>;
}

/** Any subresource (controller-runtime's `client.SubResource(name)`), e.g. "eviction" or "token". */
export interface SubResourceClient {
  get<T extends KubeObject = KubeObject>(target: ObjectOrRef, opts?: RequestOptions): Promise<T>;
  /** POST …/<subresource> with `body` (pods/eviction, serviceaccounts/token, …). */
  create<T extends KubeObject = KubeObject>(target: ObjectOrRef, body: KubeObject, opts?: CreateOptions): Promise<T>;
  /** PUT …/<subresource> with `body` (default: the target itself). */
  update<T extends KubeObject = KubeObject>(target: ObjectOrRef, body?: KubeObject, opts?: UpdateOptions): Promise<T>;
  patch<T extends KubeObject = KubeObject>(target: ObjectOrRef, patch: Patch, opts?: PatchOptions): Promise<T>;
}

interface Located {
  mapping: RESTMapping;
  namespace: string | undefined;
  name: string;
}

export class Client {
  readonly transport: Transport;
  readonly restMapper: RESTMapper;
  private readonly fieldManager: string | undefined;

  constructor(kubeConfig: KubeConfig, opts: ClientOptions = {}) {
    this.transport = new Transport(kubeConfig, opts);
    this.restMapper = opts.restMapper ?? new DiscoveryRESTMapper(this.transport);
    this.fieldManager = opts.fieldManager;
  }

  static fromKubeConfig(kubeConfig: KubeConfig, opts: ClientOptions = {}): Client {
    return new Client(kubeConfig, opts);
  }

  /** A client for the default kubeconfig ($KUBECONFIG, ~/.kube/config, or in-cluster). */
  static async fromDefault(opts: ClientOptions = {}): Promise<Client> {
    const { KubeConfig } = await import("@kubernetes/client-node");
    const kc = new KubeConfig();
    kc.loadFromDefault();
    return new Client(kc, opts);
  }

  /** The resource, scope and subresources of a kind (from the RESTMapper). */
  mapping(type: TypeRef): Promise<RESTMapping> {
    return this.restMapper.mapping(type.apiVersion, type.kind);
  }

  /** Closes idle connections; requests after this fail. */
  close(): void {
    this.transport.close();
  }

  async get<T extends KubeObject = KubeObject>(ref: ObjectOrRef, opts: GetOptions = {}): Promise<T> {
    const loc = await this.locate(ref, "get");
    const q = new URLSearchParams();
    if (opts.resourceVersion !== undefined) q.set("resourceVersion", opts.resourceVersion);
    return this.call<T>("GET", objectPath(loc), opts, { query: q, mapping: loc.mapping });
  }

  /** One page (or all, without `limit`) of objects of a kind. */
  async list<T extends KubeObject = KubeObject>(type: TypeRef, opts: ListOptions = {}): Promise<KubeList<T>> {
    const mapping = await this.mapping(typeOf(type, "list"));
    const q = listQuery(opts);
    const list = await this.transport.requestJSON<KubeList<T>>({
      method: "GET",
      path: collectionPath(mapping, opts.namespace),
      query: q,
      ...reqOpts(opts),
    });
    if (!Array.isArray(list.items)) list.items = [];
    for (const item of list.items) fillType(item, mapping);
    return list;
  }

  /**
   * Lists all objects, following `metadata.continue` page by page (`limit` is the page size, default 500).
   * All pages come from one snapshot (the first page's resourceVersion). If the continue token expires
   * mid-way (410), the list starts over without paging, like client-go's pager.
   */
  async listAll<T extends KubeObject = KubeObject>(type: TypeRef, opts: Omit<ListOptions, "continue"> = {}): Promise<KubeList<T>> {
    const pageOpts: ListOptions = { ...opts, limit: opts.limit ?? 500 };
    const first = await this.list<T>(type, pageOpts);
    const items = [...first.items];
    let cont = first.metadata.continue;
    while (cont) {
      let page: KubeList<T>;
      try {
        page = await this.list<T>(type, { ...pageOpts, continue: cont, resourceVersion: undefined, resourceVersionMatch: undefined });
      } catch (err) {
        if (!(err instanceof ExpiredError)) throw err;
        const { limit: _l, ...full } = opts;
        return this.list<T>(type, full);
      }
      items.push(...page.items);
      cont = page.metadata.continue;
    }
    const metadata = { ...first.metadata };
    delete metadata.continue;
    delete metadata.remainingItemCount;
    return { apiVersion: first.apiVersion, kind: first.kind, metadata, items };
  }

  async create<T extends KubeObject>(obj: T, opts: CreateOptions = {}): Promise<T & KubeObject> {
    const mapping = await this.mapping(typeOf(obj, "create"));
    const ns = namespaceFor(mapping, obj.metadata?.namespace, "create");
    return this.call<T>("POST", collectionPath(mapping, ns), opts, { query: writeQuery(opts, this.fieldManager), body: obj, mapping });
  }

  /** Replaces the object; its metadata.resourceVersion makes this a compare-and-swap (ConflictError when stale). */
  async update<T extends KubeObject>(obj: T, opts: UpdateOptions = {}): Promise<T & KubeObject> {
    const loc = await this.locate(obj, "update");
    return this.call<T>("PUT", objectPath(loc), opts, { query: writeQuery(opts, this.fieldManager), body: obj, mapping: loc.mapping });
  }

  async patch<T extends KubeObject = KubeObject>(target: T | ObjectRef, patch: Patch, opts: PatchOptions = {}): Promise<T & KubeObject> {
    return this.patchAt<T>(target, patch, opts, undefined);
  }

  /**
   * Server-side apply (PATCH application/apply-patch+yaml) with the client's or the given fieldManager.
   * A field another manager owns with a different value is a ConflictError (409) unless `force`.
   */
  async apply<T extends KubeObject>(obj: T, opts: ApplyOptions = {}): Promise<T & KubeObject> {
    const loc = await this.locate(obj, "apply");
    const fieldManager = opts.fieldManager ?? this.fieldManager;
    if (!fieldManager) throw new TypeError("apply: a fieldManager is required (client option or ApplyOptions.fieldManager)");
    const q = writeQuery({ ...opts, fieldManager }, undefined);
    if (opts.force) q.set("force", "true");
    return this.call<T>("PATCH", objectPath(loc), opts, { query: q, body: JSON.stringify(obj), contentType: patchContentTypes.apply, mapping: loc.mapping });
  }

  /** Deletes one object. NotFoundError when it does not exist (use `isNotFound` to ignore). */
  async delete(target: ObjectOrRef, opts: DeleteOptions = {}): Promise<void> {
    const loc = await this.locate(target, "delete");
    await this.transport.request({ method: "DELETE", path: objectPath(loc), body: deleteBody(opts), ...reqOpts(opts) });
  }

  /** Deletes every object of a kind matching the selectors in one namespace (DELETE on the collection). */
  async deleteAllOf(type: TypeRef, opts: DeleteAllOfOptions = {}): Promise<void> {
    const mapping = await this.mapping(typeOf(type, "deleteAllOf"));
    // kube-apiserver serves only list and watch across namespaces: delete collection needs the namespace
    const ns = namespaceFor(mapping, opts.namespace, "deleteAllOf");
    const q = new URLSearchParams();
    if (opts.labelSelector !== undefined) setIf(q, "labelSelector", labelSelectorString(opts.labelSelector));
    if (opts.fieldSelector !== undefined) setIf(q, "fieldSelector", fieldSelectorString(opts.fieldSelector));
    await this.transport.request({ method: "DELETE", path: collectionPath(mapping, ns), query: q, body: deleteBody(opts), ...reqOpts(opts) });
  }

  /**
   * Watches a kind. The request is sent on the first `next()`; see watch.ts for the guarantees (typed ERROR
   * events, WatchDecodeError for garbage, clean end on abort).
   */
  watch<T extends KubeObject = KubeObject>(type: TypeRef, opts: WatchOptions = {}): AsyncGenerator<WatchEvent<T>, void, undefined> {
    const t = typeOf(type, "watch");
    const q = listQuery(opts);
    q.set("watch", "true");
    if (opts.allowWatchBookmarks) q.set("allowWatchBookmarks", "true");
    if (opts.sendInitialEvents !== undefined) q.set("sendInitialEvents", String(opts.sendInitialEvents));
    if (opts.timeoutSeconds !== undefined) q.set("timeoutSeconds", String(opts.timeoutSeconds));
    let mapping: RESTMapping | undefined;
    let path = "";
    const open = async () => {
      mapping = await this.mapping(t);
      path = collectionPath(mapping, opts.namespace);
      return this.transport.stream({ method: "GET", path, query: q, ...(opts.signal ? { signal: opts.signal } : {}) });
    };
    const request = { method: "GET", get path() { return `${path}?${q.toString()}`; } };
    return watchEvents<T>(open, {
      ...(opts.signal ? { signal: opts.signal } : {}),
      request,
      prepare: (obj) => {
        if (mapping) fillType(obj, mapping);
      },
    });
  }

  /** The status subresource. */
  status(): StatusWriter {
    return {
      update: async <T extends KubeObject>(obj: T, opts: UpdateOptions = {}): Promise<T & KubeObject> => {
        const loc = await this.locate(obj, "status update");
        return this.call<T>("PUT", objectPath(loc, "status"), opts, { query: writeQuery(opts, this.fieldManager), body: obj, mapping: loc.mapping });
      },
      patch: <T extends KubeObject = KubeObject>(obj: T | ObjectRef, patch: Patch, opts: PatchOptions = {}): Promise<T & KubeObject> => this.patchAt<T>(obj, patch, opts, "status"),
    };
  }

  /** The scale subresource (autoscaling/v1 Scale). */
  scale(): ScaleClient {
    const scaleType = { group: "autoscaling", version: "v1", kind: "Scale" };
    const fill = (s: Scale): Scale => {
      s.apiVersion ??= "autoscaling/v1";
      s.kind ??= "Scale";
      return s;
    };
    return {
      get: async (target, opts = {}) => {
        const loc = await this.locate(target, "scale get");
        return fill(await this.transport.requestJSON<Scale>({ method: "GET", path: objectPath(loc, "scale"), ...reqOpts(opts) }));
      },
      update: async (target, scale, opts = {}) => {
        const loc = await this.locate(target, "scale update");
        const metadata: ObjectMeta = { ...(scale.metadata ?? {}), name: loc.name };
        if (loc.namespace) metadata.namespace = loc.namespace;
        const body: Scale = { ...scale, apiVersion: `${scaleType.group}/${scaleType.version}`, kind: scaleType.kind, metadata };
        return fill(await this.transport.requestJSON<Scale>({ method: "PUT", path: objectPath(loc, "scale"), query: writeQuery(opts, this.fieldManager), body, ...reqOpts(opts) }));
      },
      patch: async (target, patch, opts = {}) => fill(await this.patchAt<Scale>(target, patch, opts, "scale", false)),
    };
  }

  /** Any subresource by name. */
  subResource(name: string): SubResourceClient {
    if (!name || name.includes("/")) throw new TypeError(`subResource: invalid subresource name ${JSON.stringify(name)}`);
    return {
      get: async <T extends KubeObject = KubeObject>(target: ObjectOrRef, opts: RequestOptions = {}): Promise<T> => {
        const loc = await this.locate(target, `${name} get`);
        return this.transport.requestJSON<T>({ method: "GET", path: objectPath(loc, name), ...reqOpts(opts) });
      },
      create: async <T extends KubeObject = KubeObject>(target: ObjectOrRef, body: KubeObject, opts: CreateOptions = {}): Promise<T> => {
        const loc = await this.locate(target, `${name} create`);
        return this.transport.requestJSON<T>({ method: "POST", path: objectPath(loc, name), query: writeQuery(opts, this.fieldManager), body, ...reqOpts(opts) });
      },
      update: async <T extends KubeObject = KubeObject>(target: ObjectOrRef, body?: KubeObject, opts: UpdateOptions = {}): Promise<T> => {
        const loc = await this.locate(target, `${name} update`);
        const payload = body ?? (isObject(target) ? target : undefined);
        if (!payload) throw new TypeError(`${name} update: pass the body (the target is only a reference)`);
        return this.transport.requestJSON<T>({ method: "PUT", path: objectPath(loc, name), query: writeQuery(opts, this.fieldManager), body: payload, ...reqOpts(opts) });
      },
      patch: <T extends KubeObject = KubeObject>(target: ObjectOrRef, patch: Patch, opts: PatchOptions = {}): Promise<T> => this.patchAt<T>(target, patch, opts, name, false),
    };
  }

  private async patchAt<T extends KubeObject>(target: ObjectOrRef, patch: Patch, opts: PatchOptions, sub: string | undefined, fill = true): Promise<T> {
    const loc = await this.locate(target, sub ? `${sub} patch` : "patch");
    const data = patch.data(isObject(target) ? target : {});
    return this.call<T>("PATCH", objectPath(loc, sub), opts, {
      query: writeQuery(opts, this.fieldManager),
      body: data,
      contentType: patchContentTypes[patch.type],
      ...(fill ? { mapping: loc.mapping } : {}),
    });
  }

  private async call<T extends KubeObject>(
    method: HttpMethod,
    path: string,
    opts: RequestOptions,
    x: { query?: URLSearchParams; body?: unknown; contentType?: string; mapping?: RESTMapping },
  ): Promise<T> {
    const obj = await this.transport.requestJSON<T>({
      method,
      path,
      ...(x.query ? { query: x.query } : {}),
      ...(x.body !== undefined ? { body: x.body } : {}),
      ...(x.contentType ? { contentType: x.contentType } : {}),
      ...reqOpts(opts),
    });
    if (x.mapping && isPlainObject(obj)) fillType(obj, x.mapping);
    return obj;
  }

  private async locate(target: ObjectOrRef, what: string): Promise<Located> {
    const type = typeOf(target, what);
    const name = isObject(target) ? target.metadata.name : target.name;
    const namespace = isObject(target) ? target.metadata.namespace : target.namespace;
    if (!name) throw new TypeError(`${what}: ${type.kind} needs a name`);
    if (name === "." || name === ".." || name.includes("/") || name.includes("%")) {
      throw new TypeError(`${what}: ${type.kind} name ${JSON.stringify(name)} may not be '.', '..' or contain '/' or '%'`);
    }
    const mapping = await this.mapping(type);
    return { mapping, namespace: namespaceFor(mapping, namespace, what), name };
  }
}

function isObject(x: ObjectOrRef | Record<string, unknown>): x is KubeObject {
  return isPlainObject((x as { metadata?: unknown }).metadata);
}

function typeOf(x: Partial<TypeRef> | KubeObject, what: string): TypeRef {
  const { apiVersion, kind } = x;
  if (typeof apiVersion !== "string" || !apiVersion || typeof kind !== "string" || !kind) {
    throw new TypeError(`${what}: apiVersion and kind are required to find the resource (got apiVersion=${JSON.stringify(apiVersion)}, kind=${JSON.stringify(kind)})`);
  }
  return { apiVersion, kind };
}

function namespaceFor(mapping: RESTMapping, namespace: string | undefined, what: string): string | undefined {
  if (!mapping.namespaced) return undefined;
  if (!namespace) throw new TypeError(`${what}: ${mapping.groupVersionKind.kind} is namespaced; a namespace is required`);
  return namespace;
}

function groupVersionPath(m: RESTMapping): string {
  const { group, version } = m.resource;
  return group ? `/apis/${group}/${version}` : `/api/${version}`;
}

function collectionPath(m: RESTMapping, namespace: string | undefined): string {
  const ns = m.namespaced && namespace ? `/namespaces/${encodeURIComponent(namespace)}` : "";
  return `${groupVersionPath(m)}${ns}/${m.resource.resource}`;
}

function objectPath(loc: Located, sub?: string): string {
  return `${collectionPath(loc.mapping, loc.namespace)}/${encodeURIComponent(loc.name)}${sub ? `/${sub}` : ""}`;
}

/** Sets apiVersion and kind when the server left them out (list items). */
function fillType(obj: KubeObject, m: RESTMapping): void {
  if (!obj.apiVersion) obj.apiVersion = mappingApiVersion(m);
  if (!obj.kind) obj.kind = m.groupVersionKind.kind;
}

function reqOpts(o: RequestOptions): { signal?: AbortSignal; timeoutMs?: number } {
  const out: { signal?: AbortSignal; timeoutMs?: number } = {};
  if (o.signal) out.signal = o.signal;
  if (o.timeoutMs !== undefined) out.timeoutMs = o.timeoutMs;
  return out;
}

function setIf(q: URLSearchParams, key: string, value: string | undefined): void {
  if (value) q.set(key, value);
}

export function labelSelectorString(s: LabelSelectorInput): string {
  if (typeof s === "string") return s;
  if (s instanceof Selector) {
    if (s.isNothing()) throw new TypeError("label selector matches nothing; the server cannot express that");
    return s.toString();
  }
  return labelSelectorAsString(s);
}

export function fieldSelectorString(s: FieldSelectorInput): string {
  if (typeof s === "string") return s;
  if (s instanceof FieldSelector) {
    if (s.isNothing()) throw new TypeError("field selector matches nothing; the server cannot express that");
    return s.toString();
  }
  return FieldSelector.fromSet(s).toString();
}

function listQuery(opts: ListOptions | WatchOptions): URLSearchParams {
  const q = new URLSearchParams();
  if (opts.labelSelector !== undefined) setIf(q, "labelSelector", labelSelectorString(opts.labelSelector));
  if (opts.fieldSelector !== undefined) setIf(q, "fieldSelector", fieldSelectorString(opts.fieldSelector));
  if (opts.resourceVersion !== undefined) q.set("resourceVersion", opts.resourceVersion);
  if (opts.resourceVersionMatch) q.set("resourceVersionMatch", opts.resourceVersionMatch);
  if ("limit" in opts && opts.limit !== undefined && opts.limit > 0) q.set("limit", String(Math.floor(opts.limit)));
  if ("continue" in opts && opts.continue) q.set("continue", opts.continue);
  return q;
}

function writeQuery(opts: WriteOptions, defaultFieldManager: string | undefined): URLSearchParams {
  const q = new URLSearchParams();
  if (opts.dryRun) q.set("dryRun", "All");
  const fm = opts.fieldManager ?? defaultFieldManager;
  if (fm) q.set("fieldManager", fm);
  if (opts.fieldValidation) q.set("fieldValidation", opts.fieldValidation);
  return q;
}

function deleteBody(opts: DeleteOptions): Record<string, unknown> {
  const body: Record<string, unknown> = { kind: "DeleteOptions", apiVersion: "v1" };
  if (opts.propagationPolicy) body.propagationPolicy = opts.propagationPolicy;
  if (opts.gracePeriodSeconds !== undefined) body.gracePeriodSeconds = opts.gracePeriodSeconds;
  if (opts.preconditions) body.preconditions = { ...opts.preconditions };
  if (opts.dryRun) body.dryRun = ["All"];
  return body;
}
