/**
 * core/v1 persistentvolumeclaims (pkg/registry/core/persistentvolumeclaim): access modes and a storage request
 * are required, volume mode Filesystem by default, phase Pending on create, the spec is immutable except the
 * storage request (and volumeAttributesClassName) of bound claims and a one-time volumeName, and `kubectl get pvc`.
 */
import type { ResourceDefinition, Strategy } from "../../../apiserver/resource.js";
import type { KubeObject } from "../../../core/object.js";
import { deepCopy, deepEqual } from "../../../core/object.js";
import { validateLabelSelector, type LabelSelector } from "../../../core/labels.js";
import { FieldPath, fieldErrors, type FieldError } from "../../../core/validation.js";
import { accessModesAsString, age, ageColumn, col, nameColumn } from "../common/printers.js";
import { persistentVolumeClaimPatchMeta } from "./patchmeta.js";
import { canonicalQuantity, validateAccessModes, validatePositiveQuantity, validateVolumeMode } from "./persistentvolumes.js";
import { dns1123Subdomain } from "./podspec.containers.js";
import { quantityNano } from "./resources.js";
import { asObj, ensureObj, objOf, setDefault, strOf, type Obj } from "./util.js";

const specPath = FieldPath.of("spec");

/** ValidatePersistentVolumeClaimSpec at `path` (also used for volumeClaimTemplates). */
export function validatePersistentVolumeClaimSpec(specIn: unknown, path: FieldPath): FieldError[] {
  const spec = objOf(specIn);
  const errs = validateAccessModes(spec.accessModes, path.child("accessModes"), "at least 1 access mode is required");
  if (asObj(spec.selector)) errs.push(...validateLabelSelector(spec.selector as LabelSelector, path.child("selector")));
  const requests = objOf(objOf(spec.resources).requests);
  const storagePath = path.child("resources").key("storage");
  if (!("storage" in requests)) errs.push(fieldErrors.required(storagePath));
  else errs.push(...validatePositiveQuantity(requests.storage, storagePath));
  const sc = spec.storageClassName;
  if (typeof sc === "string" && sc) errs.push(...dns1123Subdomain(sc, path.child("storageClassName")));
  errs.push(...validateVolumeMode(spec.volumeMode, path.child("volumeMode")));
  for (const key of ["dataSource", "dataSourceRef"]) {
    const ds = asObj(spec[key]);
    if (!ds) continue;
    if (!strOf(ds.name)) errs.push(fieldErrors.required(path.child(key, "name")));
    if (!strOf(ds.kind)) errs.push(fieldErrors.required(path.child(key, "kind")));
    if (!strOf(ds.apiGroup) && strOf(ds.kind) && ds.kind !== "PersistentVolumeClaim") {
      errs.push(fieldErrors.invalid(path.child(key, "kind"), ds.kind, "must be 'PersistentVolumeClaim' when referencing the default apiGroup"));
    }
  }
  return errs;
}

/** ValidatePersistentVolumeClaim (beyond metadata). */
export function validatePersistentVolumeClaim(pvc: KubeObject): FieldError[] {
  return validatePersistentVolumeClaimSpec(pvc.spec, specPath);
}

/** ValidatePersistentVolumeClaimUpdate (beyond metadata). */
export function validatePersistentVolumeClaimUpdate(pvc: KubeObject, old: KubeObject): FieldError[] {
  const errs = validatePersistentVolumeClaim(pvc);
  const ns = deepCopy(objOf(pvc.spec));
  const os = deepCopy(objOf(old.spec));
  if (!strOf(os.volumeName)) {
    if (ns.volumeName === undefined) delete os.volumeName;
    else os.volumeName = ns.volumeName;
  }
  const bound = objOf(pvc.status).phase === "Bound";
  if (bound) {
    const requests = asObj(objOf(ns.resources).requests);
    const oldStorage = objOf(objOf(os.resources).requests).storage;
    if (requests) {
      if (oldStorage === undefined) delete requests.storage;
      else requests.storage = oldStorage;
    }
    if (ns.volumeAttributesClassName !== undefined && ns.volumeAttributesClassName !== null) {
      if (os.volumeAttributesClassName === undefined) delete ns.volumeAttributesClassName;
      else ns.volumeAttributesClassName = os.volumeAttributesClassName;
    }
  }
  if (!sameSpec(ns, os)) {
    errs.push(fieldErrors.forbidden(specPath, "spec is immutable after creation except resources.requests and volumeAttributesClassName for bound claims"));
  }
  const newSize = quantityNano(objOf(objOf(objOf(pvc.spec).resources).requests).storage);
  const oldSize = quantityNano(objOf(objOf(objOf(old.spec).resources).requests).storage);
  const statusSize = quantityNano(objOf(objOf(old.status).capacity).storage);
  if (newSize !== undefined && oldSize !== undefined && newSize < oldSize && (statusSize === undefined || newSize <= statusSize)) {
    errs.push(fieldErrors.forbidden(FieldPath.of("spec", "resources", "requests", "storage"), "field can not be less than status.capacity"));
  }
  if (!deepEqual(objOf(pvc.spec).volumeMode, objOf(old.spec).volumeMode)) {
    errs.push(fieldErrors.invalid("volumeMode", objOf(pvc.spec).volumeMode ?? null, "field is immutable"));
  }
  return errs;
}

/** Semantic equality of two claim specs: quantities compare by value. */
function sameSpec(a: Obj, b: Obj): boolean {
  const norm = (s: Obj): Obj => {
    const c = deepCopy(s);
    const res = asObj(c.resources);
    for (const k of ["requests", "limits"]) {
      const m = asObj(res?.[k]);
      if (m) for (const [r, q] of Object.entries(m)) m[r] = quantityNano(q)?.toString() ?? q;
    }
    return c;
  };
  return deepEqual(norm(a), norm(b));
}

/** pvcutil.NormalizeDataSources: dataSource and dataSourceRef mirror each other when only one is given. */
function normalizeDataSources(spec: Obj): void {
  const ds = asObj(spec.dataSource);
  const ref = asObj(spec.dataSourceRef);
  if (ds && !ref) spec.dataSourceRef = { ...deepCopy(ds) };
  else if (ref && !ds && !strOf(ref.namespace)) {
    const copy = deepCopy(ref);
    delete copy.namespace;
    spec.dataSource = copy;
  }
}

export const persistentVolumeClaimStrategy: Strategy = {
  default(obj) {
    const spec = ensureObj(obj, "spec");
    setDefault(spec, "volumeMode", "Filesystem");
    const status = ensureObj(obj, "status");
    if (!strOf(status.phase)) status.phase = "Pending";
  },
  prepareForCreate(obj) {
    obj.status = { phase: "Pending" };
    normalizeDataSources(ensureObj(obj, "spec"));
  },
  validate: validatePersistentVolumeClaim,
  validateUpdate: validatePersistentVolumeClaimUpdate,
};

/** helper.GetPersistentVolumeClaimClass. */
export function persistentVolumeClaimClass(pvc: KubeObject): string {
  const ann = pvc.metadata.annotations?.["volume.beta.kubernetes.io/storage-class"];
  return ann !== undefined ? ann : strOf(objOf(pvc.spec).storageClassName);
}

function pvcCells(pvc: KubeObject, now: Date): unknown[] {
  const spec = objOf(pvc.spec);
  const status = objOf(pvc.status);
  const phase = pvc.metadata.deletionTimestamp ? "Terminating" : strOf(status.phase);
  const bound = strOf(spec.volumeName) !== "";
  return [
    pvc.metadata.name ?? "",
    phase,
    strOf(spec.volumeName),
    bound ? canonicalQuantity(objOf(status.capacity).storage) : "",
    bound ? accessModesAsString(status.accessModes) : "",
    persistentVolumeClaimClass(pvc),
    typeof spec.volumeAttributesClassName === "string" ? spec.volumeAttributesClassName : "<unset>",
    age(pvc, now),
    typeof spec.volumeMode === "string" ? spec.volumeMode : "<unset>",
  ];
}

export const persistentvolumeclaims: ResourceDefinition = {
  group: "",
  version: "v1",
  names: {
    plural: "persistentvolumeclaims",
    singular: "persistentvolumeclaim",
    kind: "PersistentVolumeClaim",
    listKind: "PersistentVolumeClaimList",
    shortNames: ["pvc"],
  },
  namespaced: true,
  statusSubresource: true,
  strategy: persistentVolumeClaimStrategy,
  table: {
    columns: [
      nameColumn,
      col("Status", "phase represents the current phase of PersistentVolumeClaim."),
      col("Volume", "volumeName is the binding reference to the PersistentVolume backing this claim."),
      col("Capacity", "capacity represents the actual resources of the underlying volume."),
      col("Access Modes", "accessModes contains the actual access modes the volume backing the PVC has. More info: https://kubernetes.io/docs/concepts/storage/persistent-volumes#access-modes-1"),
      col("StorageClass", "StorageClass of the pvc"),
      col("VolumeAttributesClass", "VolumeAttributesClass of the pvc"),
      ageColumn,
      col("VolumeMode", "volumeMode defines what type of volume is required by the claim. Value of Filesystem is implied when not included in claim spec.", 1),
    ],
    cells: pvcCells,
  },
  selectableFields: (obj) => ({ name: obj.metadata.name ?? "" }),
  patchMeta: persistentVolumeClaimPatchMeta,
  returnDeletedObject: true,
};
