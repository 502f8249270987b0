/**
 * The generic registry (k8s.io/apiserver genericregistry.Store): one pipeline that turns API operations on a
 * resource into storage operations, running the resource's strategy and the admission chain in upstream's
 * order, and translating storage failures into API errors named after the resource.
 */
import {
  StatusError,
  newAlreadyExists,
  newBadRequest,
  newConflict,
  newInvalid,
  newNotFound,
  optimisticLockErrorMsg,
  toStatusError,
} from "../../core/errors.js";
import type { GroupKind, GroupResource, GroupVersionKind, GroupVersionResource } from "../../core/gvk.js";
import { apiVersionOf } from "../../core/gvk.js";
import type { KubeList, KubeObject } from "../../core/object.js";
import { deepCopy, rfc3339 } from "../../core/object.js";
import { fieldErrors, FieldPath, type FieldError } from "../../core/validation.js";
import type { Status } from "../../core/status.js";
import { isStorageError, type Storage, type Watch, type WatchHandler, type ResourceVersionMatch } from "../../storage/interface.js";
import type { AdmissionAttributes, AdmissionChain, AdmissionOperation, UserInfo } from "../admission/types.js";
import type { ResourceDefinition, VersionConversion } from "../resource.js";
import { generateName, prepareObjectMetaForCreate, prepareObjectMetaForUpdate, validateObjectMeta, validateObjectMetaUpdate } from "./metadata.js";
import { buildSelection } from "./selection.js";
import { fieldManagerScope, recordUpdate } from "../ssa/index.js";

/** Who asks, where, and how: passed to every registry call. */
export interface RequestContext {
  /** The request's namespace ("" for cluster-scoped resources or all namespaces). */
  namespace: string;
  user: UserInfo;
  dryRun: boolean;
  /** Warnings to return in `Warning` headers. */
  warnings: string[];
  now?: Date;
  /**
   * The manager of a non-apply write (fieldManager parameter or User-Agent prefix) and the subresource it wrote
   * through when that is not the update's own (scale): create and update record it in metadata.managedFields.
   * Absent: managedFields are left as they are (server-side apply records its own).
   */
  fieldManager?: { manager: string; subresource?: string };
}

export interface ListParams {
  labelSelector?: string;
  fieldSelector?: string;
  limit?: number;
  continue?: string;
  resourceVersion?: string;
  resourceVersionMatch?: ResourceVersionMatch;
}

export interface WatchParams {
  labelSelector?: string;
  fieldSelector?: string;
  resourceVersion?: string;
  allowWatchBookmarks?: boolean;
  sendInitialEvents?: boolean;
}

export type PropagationPolicy = "Orphan" | "Background" | "Foreground";

export interface DeleteOptions {
  gracePeriodSeconds?: number;
  preconditions?: { uid?: string; resourceVersion?: string };
  propagationPolicy?: PropagationPolicy;
  orphanDependents?: boolean;
}

/** Computes the new object from the stored one (undefined when it does not exist yet). */
export type UpdatedObjectInfo = (current: KubeObject | undefined) => KubeObject | Promise<KubeObject>;

export interface UpdateParams {
  /** "" for the main resource, "status" for the status subresource, or another subresource (see `merge`). */
  subresource?: string;
  /**
   * For subresources other than status: builds the object to store from the incoming and the stored one
   * (e.g. namespaces/finalize takes only spec.finalizers). The main resource's prepareForUpdate is skipped.
   */
  merge?: (incoming: KubeObject, old: KubeObject) => KubeObject;
  /** For subresources other than status: the subresource's own validation (the kind's update validation is skipped). */
  validate?: (obj: KubeObject, old: KubeObject) => FieldError[];
  /** Create when absent even if the strategy does not allow create-on-update (server-side apply). */
  forceAllowCreate?: boolean;
}

export interface DeleteResult {
  /** The deleted object, a Status (kinds that do not return deleted objects), or the object now pending deletion. */
  object: KubeObject | Status;
  /** False when deletion is pending (finalizers or a grace period). */
  deleted: boolean;
}

export const finalizerOrphan = "orphan";
export const finalizerForeground = "foregroundDeletion";

export class Store {
  private readonly openWatches = new Set<() => void>();
  readonly gr: GroupResource;
  readonly gk: GroupKind;
  readonly gvk: GroupVersionKind;
  readonly gvr: GroupVersionResource;
  readonly apiVersion: string;

  constructor(
    readonly def: ResourceDefinition,
    readonly storage: Storage,
    private readonly admission: AdmissionChain,
  ) {
    this.gr = { group: def.group, resource: def.names.plural };
    this.gk = { group: def.group, kind: def.names.kind };
    this.gvk = { group: def.group, version: def.version, kind: def.names.kind };
    this.gvr = { group: def.group, version: def.version, resource: def.names.plural };
    this.apiVersion = apiVersionOf(def);
  }

  key(namespace: string, name: string): string {
    return this.def.namespaced ? `${namespace}/${name}` : name;
  }

  // ---- conversion between the served version and storage ----

  // Conversion may be asynchronous (CRD conversion webhooks): every path awaits it; watch events stay in order.

  private async fromStorage(obj: KubeObject): Promise<KubeObject> {
    return this.def.conversion ? this.def.conversion.fromStorage(obj) : obj;
  }

  /** Converts a page of stored objects (one batched call when the conversion supports it). */
  private async fromStorageList(objs: KubeObject[]): Promise<KubeObject[]> {
    const conv = this.def.conversion;
    if (!conv || objs.length === 0) return objs;
    if (conv.fromStorageList) return conv.fromStorageList(objs);
    return Promise.all(objs.map((o) => conv.fromStorage(o)));
  }

  private async toStorage(obj: KubeObject): Promise<KubeObject> {
    return this.def.conversion ? this.def.conversion.toStorage(obj) : obj;
  }

  /**
   * A selection predicate over served objects, applied to stored ones: through the conversion's synchronous
   * selectionView (webhook conversions: the stored object with its apiVersion rewritten), else fromStorage.
   */
  private storagePredicate(pred: ((obj: KubeObject) => boolean) | undefined): ((obj: KubeObject) => boolean) | undefined {
    const conv = this.def.conversion;
    if (!pred || !conv) return pred;
    const view =
      conv.selectionView ??
      ((o: KubeObject): KubeObject => {
        const r = conv.fromStorage(o);
        if (r instanceof Promise) throw new Error("an asynchronous conversion needs a selectionView to evaluate selectors");
        return r;
      });
    return (o) => pred(view(o));
  }

  private async mutable(obj: KubeObject): Promise<KubeObject> {
    return this.def.conversion ? this.def.conversion.fromStorage(obj) : deepCopy(obj);
  }

  /**
   * Wraps a watch handler so that events are converted and delivered in storage order: synchronously while no
   * asynchronous conversion is pending, else queued behind it. A failed conversion ends the watch with its error
   * (an ERROR event over HTTP); a close from the storage is delivered after the queued events.
   */
  private convertingWatch(conv: VersionConversion, handler: WatchHandler): { handler: WatchHandler; wrap(w: Watch): Watch } {
    let tail: Promise<void> = Promise.resolve();
    let pending = 0;
    let ended = false;
    const end = (err?: unknown): void => {
      if (ended) return;
      ended = true;
      handler.close(err === undefined ? undefined : toStatusError(err));
    };
    const later = (step: () => void): void => {
      pending++;
      tail = tail.then(step).finally(() => pending--);
    };
    const wrapped: WatchHandler = {
      event: (ev) => {
        if (ended) return;
        let converted: KubeObject | Promise<KubeObject>;
        try {
          converted = ev.type === "BOOKMARK" ? ev.object : conv.fromStorage(ev.object);
        } catch (err) {
          if (pending === 0) end(err);
          else later(() => end(err));
          return;
        }
        if (!(converted instanceof Promise) && pending === 0) {
          handler.event({ type: ev.type, object: converted });
          return;
        }
        const result = Promise.resolve(converted).then(
          (object) => ({ object }),
          (error: unknown) => ({ error }),
        );
        later(() =>
          result.then((r) => {
            if (ended) return;
            if ("error" in r) end(r.error);
            else handler.event({ type: ev.type, object: r.object });
          }),
        );
      },
      close: (err) => {
        if (pending === 0) end(err);
        else later(() => end(err));
      },
    };
    return {
      handler: wrapped,
      wrap: (w) => ({
        stop: () => {
          ended = true;
          w.stop();
        },
      }),
    };
  }

  private translate(err: unknown, name: string): unknown {
    if (isStorageError(err, "KeyNotFound")) return newNotFound(this.gr, name);
    if (isStorageError(err, "KeyExists")) return newAlreadyExists(this.gr, name);
    if (isStorageError(err, "ResourceVersionConflicts")) return newConflict(this.gr, name, optimisticLockErrorMsg);
    if (isStorageError(err, "PreconditionFailed")) return newConflict(this.gr, name, err.message);
    return err;
  }

  private attrs(ctx: RequestContext, operation: AdmissionOperation, subresource: string, name: string, object?: KubeObject, oldObject?: KubeObject): AdmissionAttributes {
    const a: AdmissionAttributes = {
      operation,
      resource: this.gvr,
      subresource,
      kind: this.gvk,
      namespace: ctx.namespace,
      name,
      dryRun: ctx.dryRun,
      user: ctx.user,
      warnings: ctx.warnings,
    };
    if (object) a.object = object;
    if (oldObject) a.oldObject = oldObject;
    return a;
  }

  private invalidIfAny(obj: KubeObject, errs: FieldError[]): void {
    if (errs.length > 0) throw newInvalid(this.gk, obj.metadata.name ?? "", errs);
  }

  /** Sets apiVersion/kind and reconciles metadata.namespace with the request's namespace. */
  private normalizeIncoming(ctx: RequestContext, obj: KubeObject): void {
    obj.apiVersion = this.apiVersion;
    obj.kind = this.def.names.kind;
    if (typeof obj.metadata !== "object" || obj.metadata === null || Array.isArray(obj.metadata)) obj.metadata = {};
    const objNs = obj.metadata.namespace ?? "";
    if (!this.def.namespaced) {
      if (objNs) delete obj.metadata.namespace;
    } else if (objNs === "") {
      obj.metadata.namespace = ctx.namespace;
    } else if (objNs !== ctx.namespace) {
      throw newBadRequest("the namespace of the provided object does not match the namespace sent on the request");
    }
  }

  // ---- create ----

  /** Runs the create pipeline and stores the object (unless ctx.dryRun). */
  async create(ctx: RequestContext, input: KubeObject, subresource = ""): Promise<KubeObject> {
    const obj = deepCopy(input);
    this.normalizeIncoming(ctx, obj);
    if (obj.metadata.resourceVersion) {
      throw newBadRequest("resourceVersion should not be set on objects to be created");
    }
    const strategy = this.def.strategy;
    strategy?.default?.(obj);
    await this.admission.admit(this.attrs(ctx, "CREATE", subresource, obj.metadata.name ?? "", obj));
    const generated = !obj.metadata.name && !!obj.metadata.generateName;
    prepareObjectMetaForCreate(obj, this.def, ctx.now ?? new Date());
    strategy?.prepareForCreate?.(obj);
    this.recordManagedFields(ctx, undefined, obj, subresource);
    this.invalidIfAny(obj, [...validateObjectMeta(obj, this.def), ...(strategy?.validate?.(obj) ?? [])]);
    strategy?.canonicalize?.(obj);
    ctx.warnings.push(...(strategy?.warningsOnCreate?.(obj) ?? []));
    await this.admission.validate(this.attrs(ctx, "CREATE", subresource, obj.metadata.name ?? "", obj));
    const name = obj.metadata.name ?? "";
    if (ctx.dryRun) {
      if (await this.storage.get(this.key(obj.metadata.namespace ?? "", name))) throw newAlreadyExists(this.gr, name);
      return obj;
    }
    for (let attempt = 0; ; attempt++) {
      try {
        return await this.fromStorage(await this.storage.create(this.key(obj.metadata.namespace ?? "", obj.metadata.name ?? ""), await this.toStorage(obj)));
      } catch (err) {
        // a generated name that collides is retried with a new suffix, as kube-apiserver does
        if (generated && attempt < 8 && isStorageError(err, "KeyExists") && obj.metadata.generateName) {
          obj.metadata.name = generateName(obj.metadata.generateName);
          continue;
        }
        throw this.translate(err, obj.metadata.name ?? "");
      }
    }
  }

  // ---- read ----

  async get(ctx: RequestContext, name: string): Promise<KubeObject> {
    const obj = await this.storage.get(this.key(ctx.namespace, name));
    if (!obj) throw newNotFound(this.gr, name);
    return this.fromStorage(obj);
  }

  async list(ctx: RequestContext, params: ListParams): Promise<KubeList> {
    const sel = buildSelection(this.def, params.labelSelector, params.fieldSelector);
    const predicate = this.storagePredicate(sel.predicate);
    const namespace = ctx.namespace || sel.namespace || "";
    let prefix = this.def.namespaced && namespace ? `${namespace}/` : "";
    if (sel.name !== undefined && (!this.def.namespaced || namespace)) prefix = this.key(namespace, sel.name);
    const res = await this.storage.list({
      prefix,
      ...(params.resourceVersion !== undefined ? { resourceVersion: params.resourceVersion } : {}),
      ...(params.resourceVersionMatch ? { resourceVersionMatch: params.resourceVersionMatch } : {}),
      ...(predicate ? { predicate } : {}),
      ...(params.limit ? { limit: params.limit } : {}),
      ...(params.continue ? { continue: params.continue } : {}),
    });
    const items = await this.fromStorageList(res.items.filter((o) => sel.name === undefined || o.metadata.name === sel.name));
    const list: KubeList = {
      apiVersion: this.apiVersion,
      kind: this.def.names.listKind,
      metadata: { resourceVersion: res.resourceVersion },
      items,
    };
    if (res.continue) list.metadata.continue = res.continue;
    if (res.remainingItemCount !== undefined && !predicate) list.metadata.remainingItemCount = res.remainingItemCount;
    return list;
  }

  async watch(ctx: RequestContext, params: WatchParams, handler: WatchHandler): Promise<Watch> {
    const sel = buildSelection(this.def, params.labelSelector, params.fieldSelector);
    const namespace = ctx.namespace || sel.namespace || "";
    const prefix = this.def.namespaced && namespace ? `${namespace}/` : "";
    const conv = this.def.conversion;
    const predicate = this.storagePredicate(sel.predicate);
    // tracked until it ends, so that closeWatches() can end it
    let end = (): void => undefined;
    const tracked: WatchHandler = {
      event: (ev) => handler.event(ev),
      close: (err) => {
        this.openWatches.delete(end);
        handler.close(err);
      },
    };
    const converting = conv ? this.convertingWatch(conv, tracked) : undefined;
    const out: WatchHandler = converting ? converting.handler : tracked;
    const w = await this.storage.watch(
      {
        prefix,
        ...(params.resourceVersion !== undefined ? { resourceVersion: params.resourceVersion } : {}),
        ...(params.allowWatchBookmarks ? { allowWatchBookmarks: true } : {}),
        ...(params.sendInitialEvents !== undefined ? { sendInitialEvents: params.sendInitialEvents } : {}),
        ...(predicate ? { predicate } : {}),
      },
      out,
    );
    const result = converting ? converting.wrap(w) : w;
    end = () => {
      this.openWatches.delete(end);
      result.stop();
      handler.close();
    };
    this.openWatches.add(end);
    return {
      stop: () => {
        this.openWatches.delete(end);
        result.stop();
      },
    };
  }

  /**
   * Ends every open watch of this resource: clients see the stream end and re-establish it. Used when what
   * serves the resource changes (a CRD updated or deleted), as kube-apiserver tears down a CRD's old storage.
   */
  closeWatches(): void {
    for (const end of [...this.openWatches]) end();
  }

  // ---- update ----

  /**
   * Update (PUT), patch and status writes: `info` computes the desired object from the current one inside the
   * storage's read-modify-write loop. Returns the stored object and whether it was created.
   */
  async update(ctx: RequestContext, name: string, info: UpdatedObjectInfo, params: UpdateParams = {}): Promise<{ object: KubeObject; created: boolean }> {
    const sub = params.subresource ?? "";
    const strategy = this.def.strategy;
    const key = this.key(ctx.namespace, name);
    let created = false;
    let createdObj: KubeObject | undefined;
    const allowCreate = sub === "" && (params.forceAllowCreate === true || this.allowCreateOnUpdate());

    const tryUpdate = async (stored: KubeObject | undefined): Promise<KubeObject> => {
      created = false;
      if (!stored) {
        if (!allowCreate) throw newNotFound(this.gr, name);
        const obj = deepCopy(await info(undefined));
        this.checkName(obj, name);
        created = true;
        const prepared = await this.prepareCreateForUpdate(ctx, obj, sub);
        createdObj = prepared;
        return this.toStorage(prepared);
      }
      const old = await this.fromStorage(stored);
      // one conversion per attempt (it may be a webhook call): the update function gets its own copy of `old`
      const obj = deepCopy(await info(this.def.conversion ? deepCopy(old) : await this.mutable(stored)));
      this.normalizeIncoming(ctx, obj);
      this.checkName(obj, name);
      const rv = obj.metadata.resourceVersion;
      if (rv) {
        if (rv !== old.metadata.resourceVersion) throw newConflict(this.gr, name, optimisticLockErrorMsg);
      } else if (!this.allowUnconditionalUpdate()) {
        throw newInvalid(this.gk, name, [fieldErrors.invalid(FieldPath.of("metadata", "resourceVersion"), rv ?? "", "must be specified for an update")]);
      }
      let next = obj;
      if (sub !== "" && sub !== "status") {
        next = params.merge ? params.merge(obj, deepCopy(old)) : obj;
      } else if (sub === "status") {
        next = deepCopy(old);
        if (obj.status === undefined) delete next.status;
        else next.status = obj.status;
        if (obj.metadata.managedFields) next.metadata.managedFields = obj.metadata.managedFields;
      } else if (this.def.statusSubresource) {
        if (old.status === undefined) delete next.status;
        else next.status = deepCopy(old.status);
      }
      strategy?.default?.(next);
      await this.admission.admit(this.attrs(ctx, "UPDATE", sub, name, next, old));
      prepareObjectMetaForUpdate(next, old, this.def);
      if (sub === "") strategy?.prepareForUpdate?.(next, old);
      this.recordManagedFields(ctx, old, next, sub);
      let kindErrs: FieldError[];
      if (sub !== "" && sub !== "status") kindErrs = params.validate?.(next, old) ?? [];
      else if (sub === "status" && strategy?.validateStatusUpdate) kindErrs = strategy.validateStatusUpdate(next, old);
      else kindErrs = strategy?.validateUpdate?.(next, old) ?? strategy?.validate?.(next) ?? [];
      const errs = [...validateObjectMetaUpdate(next, old, this.def), ...kindErrs];
      this.invalidIfAny(next, errs);
      strategy?.canonicalize?.(next);
      ctx.warnings.push(...(strategy?.warningsOnUpdate?.(next, old) ?? []));
      await this.admission.validate(this.attrs(ctx, "UPDATE", sub, name, next, old));
      next.metadata.resourceVersion = old.metadata.resourceVersion;
      return this.toStorage(next);
    };

    try {
      if (ctx.dryRun) {
        const current = await this.storage.get(key);
        const out = await tryUpdate(current);
        return { object: await this.fromStorage(out), created };
      }
      const stored = await this.storage.guaranteedUpdate(key, { ignoreNotFound: allowCreate }, tryUpdate);
      const object = await this.fromStorage(stored);
      if (created && createdObj) return { object, created };
      // an update that removed the last finalizer of an object being deleted completes the deletion
      if (this.shouldDeleteAfterUpdate(object)) {
        const gone = await this.deleteNow(name, object, { resourceVersion: object.metadata.resourceVersion ?? "" });
        return { object: gone ?? object, created: false };
      }
      return { object, created };
    } catch (err) {
      throw this.translate(err, name);
    }
  }

  private async prepareCreateForUpdate(ctx: RequestContext, obj: KubeObject, sub: string): Promise<KubeObject> {
    this.normalizeIncoming(ctx, obj);
    delete obj.metadata.resourceVersion;
    const strategy = this.def.strategy;
    strategy?.default?.(obj);
    await this.admission.admit(this.attrs(ctx, "CREATE", sub, obj.metadata.name ?? "", obj));
    prepareObjectMetaForCreate(obj, this.def, ctx.now ?? new Date());
    strategy?.prepareForCreate?.(obj);
    this.recordManagedFields(ctx, undefined, obj, sub);
    this.invalidIfAny(obj, [...validateObjectMeta(obj, this.def), ...(strategy?.validate?.(obj) ?? [])]);
    strategy?.canonicalize?.(obj);
    await this.admission.validate(this.attrs(ctx, "CREATE", sub, obj.metadata.name ?? "", obj));
    return obj;
  }

  /** managedFields bookkeeping of a non-apply write (see RequestContext.fieldManager). */
  private recordManagedFields(ctx: RequestContext, old: KubeObject | undefined, obj: KubeObject, sub: string): void {
    if (ctx.fieldManager === undefined || (sub !== "" && sub !== "status")) return;
    const { manager, subresource = sub } = ctx.fieldManager;
    recordUpdate(old, obj, manager, fieldManagerScope(this.def, this.apiVersion, subresource, ctx.now ?? new Date()));
  }

  private checkName(obj: KubeObject, name: string): void {
    const objName = obj.metadata?.name;
    if (objName === undefined || objName === "") {
      obj.metadata.name = name;
    } else if (objName !== name) {
      throw newBadRequest(`the name of the object (${objName}) does not match the name on the URL (${name})`);
    }
  }

  private allowCreateOnUpdate(): boolean {
    return false;
  }

  private allowUnconditionalUpdate(): boolean {
    return true;
  }

  private shouldDeleteAfterUpdate(obj: KubeObject): boolean {
    const m = obj.metadata;
    return !!m.deletionTimestamp && (m.finalizers ?? []).length === 0 && (m.deletionGracePeriodSeconds ?? 0) === 0 && !(this.def.strategy?.deletionBlocked?.(obj) ?? false);
  }

  // ---- delete ----

  /** Deletes now, or marks the object for deletion when finalizers or a grace period hold it. */
  async delete(ctx: RequestContext, name: string, opts: DeleteOptions = {}): Promise<DeleteResult> {
    const key = this.key(ctx.namespace, name);
    const stored = await this.storage.get(key);
    if (!stored) throw newNotFound(this.gr, name);
    const current = await this.fromStorage(stored);
    const pre = opts.preconditions;
    if (pre?.uid && pre.uid !== current.metadata.uid) {
      throw newConflict(this.gr, name, `Precondition failed: UID in precondition: ${pre.uid}, UID in object meta: ${current.metadata.uid ?? ""}`);
    }
    if (pre?.resourceVersion && pre.resourceVersion !== current.metadata.resourceVersion) {
      throw newConflict(this.gr, name, `Precondition failed: ResourceVersion in precondition: ${pre.resourceVersion}, ResourceVersion in object meta: ${current.metadata.resourceVersion ?? ""}`);
    }
    if (opts.propagationPolicy && opts.orphanDependents !== undefined) {
      throw newInvalid(this.gk, name, [fieldErrors.invalid(FieldPath.of("propagationPolicy"), opts.propagationPolicy, "orphanDependents and deletionPropagation cannot be both set")]);
    }
    await this.admission.validate(this.attrs(ctx, "DELETE", "", name, undefined, current));

    const grace = this.def.strategy?.gracePeriodSeconds ? this.def.strategy.gracePeriodSeconds(current, opts.gracePeriodSeconds) : 0;
    const finalizers = this.finalizersAfterDelete(current, opts);
    const blocked = this.def.strategy?.deletionBlocked?.(current) ?? false;
    const pending = finalizers.length > 0 || grace > 0 || blocked;
    if (!pending) {
      if (ctx.dryRun) return { object: this.deletedResult(current), deleted: true };
      try {
        const gone = await this.deleteNow(name, current, pre ?? {});
        return { object: this.deletedResult(gone ?? current), deleted: true };
      } catch (err) {
        throw this.translate(err, name);
      }
    }
    const mark = (obj: KubeObject): KubeObject => {
      const m = obj.metadata;
      const now = ctx.now ?? new Date();
      if (finalizers.length > 0) m.finalizers = finalizers;
      else delete m.finalizers;
      if (!m.deletionTimestamp) {
        m.deletionTimestamp = rfc3339(new Date(now.getTime() + grace * 1000));
        m.deletionGracePeriodSeconds = grace;
        // after the finalizers are set: the strategy may add its own (CRDs add their cleanup finalizer)
        this.def.strategy?.beginDeletion?.(obj);
      } else if (grace < (m.deletionGracePeriodSeconds ?? 0)) {
        // a shorter grace period moves the deletion earlier
        m.deletionTimestamp = rfc3339(new Date(now.getTime() + grace * 1000));
        m.deletionGracePeriodSeconds = grace;
      }
      return obj;
    };
    if (ctx.dryRun) return { object: mark(deepCopy(current)), deleted: false };
    try {
      const updated = await this.storage.guaranteedUpdate(key, pre ? { preconditions: pre } : {}, async (cur) => {
        if (!cur) throw newNotFound(this.gr, name);
        return this.toStorage(mark(await this.mutable(cur)));
      });
      return { object: await this.fromStorage(updated), deleted: false };
    } catch (err) {
      throw this.translate(err, name);
    }
  }

  /** Finalizers the object will carry for the requested propagation (orphan / foregroundDeletion), as upstream. */
  private finalizersAfterDelete(obj: KubeObject, opts: DeleteOptions): string[] {
    const current = obj.metadata.finalizers ?? [];
    let policy = opts.propagationPolicy;
    if (!policy && opts.orphanDependents !== undefined) policy = opts.orphanDependents ? "Orphan" : "Background";
    if (!policy) {
      // an object already being deleted keeps the policy chosen by its first delete
      return [...current];
    }
    const set = current.filter((f) => f !== finalizerOrphan && f !== finalizerForeground);
    if (policy === "Orphan") set.push(finalizerOrphan);
    if (policy === "Foreground") set.push(finalizerForeground);
    // Background (or nothing to add) on an object not yet being deleted with no other finalizers: delete now.
    return set;
  }

  private deletedResult(obj: KubeObject): KubeObject | Status {
    if (this.def.returnDeletedObject) return obj;
    const details: NonNullable<Status["details"]> = { name: obj.metadata.name ?? "" };
    if (this.def.group) details.group = this.def.group;
    details.kind = this.def.names.plural;
    if (obj.metadata.uid) details.uid = obj.metadata.uid;
    return { kind: "Status", apiVersion: "v1", metadata: {}, status: "Success", details, code: 200 };
  }

  /** Removes the object from storage (preconditions guard against deleting a newer object) and runs afterDelete. */
  private async deleteNow(name: string, current: KubeObject, pre: { uid?: string; resourceVersion?: string }): Promise<KubeObject | undefined> {
    const key = this.key(current.metadata.namespace ?? "", name);
    const gone = await this.storage.delete(key, { uid: pre.uid ?? current.metadata.uid ?? "", ...(pre.resourceVersion ? { resourceVersion: pre.resourceVersion } : {}) });
    const out = await this.fromStorage(gone);
    this.def.strategy?.afterDelete?.(out);
    return out;
  }

  /** Deletes every object the list parameters select; returns the list of deleted (or now terminating) objects. */
  async deleteCollection(ctx: RequestContext, params: ListParams, opts: DeleteOptions = {}): Promise<KubeList> {
    const list = await this.list(ctx, { ...(params.labelSelector ? { labelSelector: params.labelSelector } : {}), ...(params.fieldSelector ? { fieldSelector: params.fieldSelector } : {}) });
    const items: KubeObject[] = [];
    for (const item of list.items) {
      try {
        const res = await this.delete({ ...ctx, namespace: item.metadata.namespace ?? "" }, item.metadata.name ?? "", opts);
        items.push(res.deleted ? item : (res.object as KubeObject));
      } catch (err) {
        if (err instanceof StatusError && err.code === 404) continue;
        throw err;
      }
    }
    return { ...list, items };
  }

  /** A fresh object of this kind with only metadata: what a bookmark carries. */
  bookmarkObject(resourceVersion: string, annotations?: Record<string, string>): KubeObject {
    const obj: KubeObject = { kind: this.def.names.kind, apiVersion: this.apiVersion, metadata: { resourceVersion } };
    if (annotations) obj.metadata.annotations = annotations;
    return obj;
  }
}
