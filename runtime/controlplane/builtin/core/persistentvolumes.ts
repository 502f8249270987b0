/**
 * core/v1 persistentvolumes (pkg/registry/core/persistentvolume): cluster-scoped, capacity with only `storage`,
 * access modes, exactly one volume source (immutable after creation), reclaim policy Retain and volume mode
 * Filesystem by default, phase Pending on create, and `kubectl get pv`.
 */
import type { ResourceDefinition, Strategy } from "../../../apiserver/resource.js";
import type { KubeObject } from "../../../core/object.js";
import { deepEqual, rfc3339 } from "../../../core/object.js";
import { parseQuantity } from "../../../core/quantity.js";
import { FieldPath, fieldErrors, type FieldError } from "../../../core/validation.js";
import { accessModesAsString, age, ageColumn, col, nameColumn } from "../common/printers.js";
import { plainObjectPatchMeta } from "./patchmeta.js";
import { dns1123Subdomain } from "./podspec.containers.js";
import { validateVolumeSource } from "./podspec.validation.js";
import { quantityNano, quantityRegexMessage } from "./resources.js";
import { asObj, ensureObj, objOf, setDefault, strListOf, strOf } from "./util.js";

/** PersistentVolumeSource members, in the order upstream validates them. */
export const persistentVolumeSourceKeys = [
  "hostPath", "gcePersistentDisk", "awsElasticBlockStore", "glusterfs", "flocker", "nfs", "rbd", "quobyte", "cinder",
  "cephfs", "iscsi", "fc", "flexVolume", "azureFile", "vsphereVolume", "photonPersistentDisk", "portworxVolume",
  "azureDisk", "scaleIO", "local", "storageos", "csi",
] as const;

const accessModes = ["ReadOnlyMany", "ReadWriteMany", "ReadWriteOnce", "ReadWriteOncePod"];

/** Access-mode rules shared by PersistentVolumes and PersistentVolumeClaims. */
export function validateAccessModes(modes: unknown, path: FieldPath, requiredDetail: string): FieldError[] {
  const errs: FieldError[] = [];
  const list = strListOf(modes);
  if (list.length === 0) errs.push(fieldErrors.required(path, requiredDetail));
  let rwop = false;
  let other = false;
  for (const m of list) {
    if (!accessModes.includes(m)) errs.push(fieldErrors.notSupported(path, m, accessModes));
    if (m === "ReadWriteOncePod") rwop = true;
    else if (accessModes.includes(m)) other = true;
  }
  if (rwop && other) errs.push(fieldErrors.forbidden(path, "may not use ReadWriteOncePod with other access modes"));
  return errs;
}

/** ValidatePositiveQuantityValue (and that it parses). */
export function validatePositiveQuantity(q: unknown, path: FieldPath): FieldError[] {
  const v = quantityNano(q);
  if (v === undefined) return [fieldErrors.invalid(path, q, quantityRegexMessage)];
  return v <= 0n ? [fieldErrors.invalid(path, q, "must be greater than zero")] : [];
}

/** A quantity in canonical form (as Go's Quantity.String prints it). */
export function canonicalQuantity(q: unknown): string {
  if (q === undefined || q === null) return "0";
  try {
    return parseQuantity(String(q)).toString();
  } catch {
    return String(q);
  }
}

export function validateVolumeMode(mode: unknown, path: FieldPath): FieldError[] {
  if (mode === undefined || mode === null) return [];
  return mode === "Block" || mode === "Filesystem" ? [] : [fieldErrors.notSupported(path, mode, ["Block", "Filesystem"])];
}

/** ValidatePersistentVolume (beyond metadata). */
export function validatePersistentVolume(pv: KubeObject): FieldError[] {
  const spec = objOf(pv.spec);
  const path = FieldPath.of("spec");
  const errs = validateAccessModes(spec.accessModes, path.child("accessModes"), "");
  const capacity = objOf(spec.capacity);
  if (Object.keys(capacity).length === 0) errs.push(fieldErrors.required(path.child("capacity")));
  if (!("storage" in capacity) || Object.keys(capacity).length > 1) errs.push(fieldErrors.notSupported(path.child("capacity"), capacity, ["storage"]));
  for (const [r, q] of Object.entries(capacity)) errs.push(...validatePositiveQuantity(q, path.child("capacity").key(r)));
  const policy = strOf(spec.persistentVolumeReclaimPolicy);
  if (policy && !["Delete", "Recycle", "Retain"].includes(policy)) {
    errs.push(fieldErrors.notSupported(path.child("persistentVolumeReclaimPolicy"), policy, ["Delete", "Recycle", "Retain"]));
  }
  errs.push(...validateVolumeSource(spec, path, persistentVolumeSourceKeys));
  const local = asObj(spec.local);
  if (local && !strOf(local.path)) errs.push(fieldErrors.required(path.child("local", "path")));
  const csi = asObj(spec.csi);
  if (csi && !strOf(csi.volumeHandle)) errs.push(fieldErrors.required(path.child("csi", "volumeHandle")));
  const hostPath = asObj(spec.hostPath);
  if (hostPath && strOf(hostPath.path).replace(/\/+$/, "") === "" && strOf(hostPath.path).startsWith("/") && policy === "Recycle") {
    errs.push(fieldErrors.forbidden(path.child("persistentVolumeReclaimPolicy"), "may not be 'recycle' for a hostPath mount of '/'"));
  }
  const sc = strOf(spec.storageClassName);
  if (sc) errs.push(...dns1123Subdomain(sc, path.child("storageClassName")));
  errs.push(...validateVolumeMode(spec.volumeMode, path.child("volumeMode")));
  return errs;
}

function volumeSourceOf(spec: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const k of persistentVolumeSourceKeys) if (spec[k] !== undefined && spec[k] !== null) out[k] = spec[k];
  return out;
}

/** ValidatePersistentVolumeUpdate (beyond metadata). */
export function validatePersistentVolumeUpdate(pv: KubeObject, old: KubeObject): FieldError[] {
  const errs = validatePersistentVolume(pv);
  const ns = objOf(pv.spec);
  const os = objOf(old.spec);
  if (!deepEqual(volumeSourceOf(ns), volumeSourceOf(os))) {
    errs.push(fieldErrors.forbidden(FieldPath.of("spec", "persistentvolumesource"), "spec.persistentvolumesource is immutable after creation"));
  }
  if (!deepEqual(ns.volumeMode, os.volumeMode)) errs.push(fieldErrors.invalid("volumeMode", ns.volumeMode ?? null, "field is immutable"));
  if (os.nodeAffinity !== undefined && os.nodeAffinity !== null && !deepEqual(ns.nodeAffinity, os.nodeAffinity)) {
    errs.push(fieldErrors.invalid("nodeAffinity", ns.nodeAffinity ?? null, "field is immutable"));
  }
  return errs;
}

export const persistentVolumeStrategy: Strategy = {
  default(obj) {
    const spec = ensureObj(obj, "spec");
    if (!strOf(spec.persistentVolumeReclaimPolicy)) spec.persistentVolumeReclaimPolicy = "Retain";
    setDefault(spec, "volumeMode", "Filesystem");
    const hp = asObj(spec.hostPath);
    if (hp) setDefault(hp, "type", "");
    const status = ensureObj(obj, "status");
    if (!strOf(status.phase)) status.phase = "Pending";
  },
  prepareForCreate(obj) {
    obj.status = { phase: "Pending", lastPhaseTransitionTime: rfc3339(new Date()) };
  },
  validate: validatePersistentVolume,
  validateUpdate: validatePersistentVolumeUpdate,
};

/** helper.GetPersistentVolumeClass. */
export function persistentVolumeClass(pv: KubeObject): string {
  const ann = pv.metadata.annotations?.["volume.beta.kubernetes.io/storage-class"];
  return ann !== undefined ? ann : strOf(objOf(pv.spec).storageClassName);
}

function pvCells(pv: KubeObject, now: Date): unknown[] {
  const spec = objOf(pv.spec);
  const status = objOf(pv.status);
  const claim = asObj(spec.claimRef);
  const claimStr = claim ? `${strOf(claim.namespace)}/${strOf(claim.name)}` : "";
  const phase = pv.metadata.deletionTimestamp ? "Terminating" : strOf(status.phase);
  return [
    pv.metadata.name ?? "",
    canonicalQuantity(objOf(spec.capacity).storage),
    accessModesAsString(spec.accessModes),
    strOf(spec.persistentVolumeReclaimPolicy),
    phase,
    claimStr,
    persistentVolumeClass(pv),
    typeof spec.volumeAttributesClassName === "string" ? spec.volumeAttributesClassName : "<unset>",
    strOf(status.reason),
    age(pv, now),
    typeof spec.volumeMode === "string" ? spec.volumeMode : "<unset>",
  ];
}

export const persistentvolumes: ResourceDefinition = {
  group: "",
  version: "v1",
  names: { plural: "persistentvolumes", singular: "persistentvolume", kind: "PersistentVolume", listKind: "PersistentVolumeList", shortNames: ["pv"] },
  namespaced: false,
  statusSubresource: true,
  strategy: persistentVolumeStrategy,
  table: {
    columns: [
      nameColumn,
      col("Capacity", "capacity is the description of the persistent volume's resources and capacity. More info: https://kubernetes.io/docs/concepts/storage/persistent-volumes#capacity"),
      col("Access Modes", "accessModes contains all ways the volume can be mounted. More info: https://kubernetes.io/docs/concepts/storage/persistent-volumes#access-modes"),
      col("Reclaim Policy", "persistentVolumeReclaimPolicy defines what happens to a persistent volume when released from its claim. Valid options are Retain (default for manually created PersistentVolumes), Delete (default for dynamically provisioned PersistentVolumes), and Recycle (deprecated). Recycle must be supported by the volume plugin underlying this PersistentVolume. More info: https://kubernetes.io/docs/concepts/storage/persistent-volumes#reclaiming"),
      col("Status", "phase indicates if a volume is available, bound to a claim, or released by a claim. More info: https://kubernetes.io/docs/concepts/storage/persistent-volumes#phase"),
      col("Claim", "claimRef is part of a bi-directional binding between PersistentVolume and PersistentVolumeClaim. Expected to be non-nil when bound. claim.VolumeName is the authoritative bind between PV and PVC. More info: https://kubernetes.io/docs/concepts/storage/persistent-volumes#binding"),
      col("StorageClass", "StorageClass of the pv"),
      col("VolumeAttributesClass", "VolumeAttributesClass of the pv"),
      col("Reason", "reason is a brief CamelCase string that describes any failure and is meant for machine parsing and tidy display in the CLI."),
      ageColumn,
      col("VolumeMode", "volumeMode defines if a volume is intended to be used with a formatted filesystem or to remain in raw block state. Value of Filesystem is implied when not included in spec.", 1),
    ],
    cells: pvCells,
  },
  selectableFields: (obj) => ({ name: obj.metadata.name ?? "" }),
  patchMeta: plainObjectPatchMeta,
  returnDeletedObject: true,
};
