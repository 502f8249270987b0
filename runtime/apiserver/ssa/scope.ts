/** The field-management scope of a write to a resource: its field types, version and reset fields. */
import type { ResourceDefinition } from "../resource.js";
import type { FieldManagerScope } from "./fieldmanager.js";
import { fieldTypeFromPatchMeta, withObjectMeta, type FieldType } from "./schema.js";

const rootTypes = new WeakMap<ResourceDefinition, FieldType>();

/** A kind's root field type: its own `fieldType`, else derived from its patch metadata, else deduced. */
export function rootFieldType(def: ResourceDefinition): FieldType {
  let t = rootTypes.get(def);
  if (!t) {
    t = withObjectMeta(def.fieldType ?? (def.patchMeta ? fieldTypeFromPatchMeta(def.patchMeta) : {}));
    rootTypes.set(def, t);
  }
  return t;
}

export function fieldManagerScope(def: ResourceDefinition, apiVersion: string, subresource: string, now: Date): FieldManagerScope {
  let ignored: string[] = [];
  if (subresource === "status") ignored = ["spec"];
  else if (def.statusSubresource) ignored = ["status"];
  const scope: FieldManagerScope = { type: rootFieldType(def), apiVersion, subresource, ignored, now };
  // built-in kinds are Go structs whose spec and status always exist: creating them never adds those nodes
  if (!def.unstructured) scope.alwaysPresent = ["spec", "status"];
  // a write through scale owns only the replicas it maps to (upstream's replicas path mapping)
  if (subresource === "scale" && def.scale) scope.only = def.scale.specReplicasPath.split(".").filter((p) => p !== "");
  return scope;
}

/** The manager of a non-apply write: the fieldManager parameter, else the User-Agent up to its first "/". */
export function managerOrUserAgent(fieldManager: string | undefined, userAgent: string | undefined): string {
  if (fieldManager) return fieldManager;
  return (userAgent ?? "").split("/")[0] ?? "";
}
