/** The scale subresource: an autoscaling/v1 Scale view of a resource's replicas and selector. */
import { newConflict, newInvalid, optimisticLockErrorMsg } from "../../core/errors.js";
import type { KubeObject } from "../../core/object.js";
import { isPlainObject } from "../../core/object.js";
import { fieldErrors, FieldPath } from "../../core/validation.js";
import type { RequestContext, Store } from "../registry/store.js";
import { patchDocument, type PatchInput } from "./patching.js";

/** Reads a dotted JSON path such as ".spec.replicas". */
export function getPath(obj: unknown, path: string): unknown {
  let cur: unknown = obj;
  for (const part of path.replace(/^\./, "").split(".")) {
    if (!isPlainObject(cur)) return undefined;
    cur = cur[part];
  }
  return cur;
}

/** Writes a dotted JSON path, creating intermediate objects. */
export function setPath(obj: Record<string, unknown>, path: string, value: unknown): void {
  const parts = path.replace(/^\./, "").split(".");
  let cur: Record<string, unknown> = obj;
  for (const part of parts.slice(0, -1)) {
    const next = cur[part];
    if (!isPlainObject(next)) cur[part] = {};
    cur = cur[part] as Record<string, unknown>;
  }
  cur[parts[parts.length - 1] ?? ""] = value;
}

export function scaleOf(store: Store, obj: KubeObject): KubeObject {
  const sc = store.def.scale;
  if (!sc) throw new Error(`${store.def.names.plural} has no scale subresource`);
  const m = obj.metadata;
  const specReplicas = getPath(obj, sc.specReplicasPath);
  const statusReplicas = getPath(obj, sc.statusReplicasPath);
  const selector = sc.selector ? sc.selector(obj) : sc.labelSelectorPath ? getPath(obj, sc.labelSelectorPath) : undefined;
  const status: Record<string, unknown> = { replicas: typeof statusReplicas === "number" ? statusReplicas : 0 };
  if (typeof selector === "string" && selector) status.selector = selector;
  const meta: KubeObject["metadata"] = { name: m.name ?? "" };
  if (m.namespace) meta.namespace = m.namespace;
  if (m.uid) meta.uid = m.uid;
  if (m.resourceVersion) meta.resourceVersion = m.resourceVersion;
  if (m.creationTimestamp) meta.creationTimestamp = m.creationTimestamp;
  return {
    kind: "Scale",
    apiVersion: "autoscaling/v1",
    metadata: meta,
    // autoscaling/v1 ScaleSpec.replicas is `omitempty`: 0 is not written
    spec: typeof specReplicas === "number" && specReplicas !== 0 ? { replicas: specReplicas } : {},
    status,
  };
}

const scaleKind = { group: "autoscaling", kind: "Scale" };

/** Updates the resource's replicas from a Scale (PUT) or a patch of its Scale (PATCH). */
export async function applyScale(store: Store, ctx: RequestContext, name: string, input: KubeObject | PatchInput): Promise<KubeObject> {
  const sc = store.def.scale;
  if (!sc) throw new Error(`${store.def.names.plural} has no scale subresource`);
  const { object } = await store.update(ctx, name, (cur) => {
    if (!cur) throw new Error("unreachable: scale of a missing object");
    const current = scaleOf(store, cur);
    const next = "type" in input && "patch" in input && !("metadata" in input)
      ? (patchDocument(current, input as PatchInput, {}) as KubeObject)
      : (input as KubeObject);
    const rv = next.metadata?.resourceVersion;
    if (rv && rv !== cur.metadata.resourceVersion) throw newConflict(store.gr, name, optimisticLockErrorMsg);
    // a Scale decoded as upstream decodes it into its Go type: absent or null replicas is 0 (typed clients omit 0)
    const given = isPlainObject(next.spec) ? next.spec.replicas : undefined;
    const replicas = given === undefined || given === null ? 0 : given;
    if (typeof replicas !== "number" || !Number.isInteger(replicas) || replicas < 0) {
      throw newInvalid(scaleKind, name, [fieldErrors.invalid(FieldPath.of("spec", "replicas"), replicas ?? null, "must be greater than or equal to 0")]);
    }
    setPath(cur, sc.specReplicasPath, replicas);
    return cur;
  });
  return object;
}
