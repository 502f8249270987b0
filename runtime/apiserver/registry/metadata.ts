/**
 * Generic ObjectMeta handling every resource gets (k8s.io/apiserver rest.BeforeCreate / BeforeUpdate and
 * apimachinery's ValidateObjectMeta / ValidateObjectMetaUpdate), with upstream's messages.
 */
import { randomUUID, randomInt } from "node:crypto";
import type { KubeObject, ObjectMeta } from "../../core/object.js";
import { deepEqual, rfc3339 } from "../../core/object.js";
import {
  FieldPath,
  fieldErrors,
  isDNS1123Label,
  isQualifiedName,
  nameIsDNSSubdomain,
  validateAnnotations,
  validateLabels,
  type FieldError,
} from "../../core/validation.js";
import type { ResourceDefinition } from "../resource.js";

const meta = FieldPath.of("metadata");
const standardFinalizers = new Set(["kubernetes", "orphan", "foregroundDeletion", "customresourcecleanup.apiextensions.k8s.io"]);
const generateNameAlphabet = "bcdfghjklmnpqrstvwxz2456789";

/** A name for generateName: the prefix (cut to fit 63 characters) plus 5 random characters, as upstream. */
export function generateName(prefix: string): string {
  const base = prefix.length > 58 ? prefix.slice(0, 58) : prefix;
  let s = base;
  for (let i = 0; i < 5; i++) s += generateNameAlphabet[randomInt(generateNameAlphabet.length)];
  return s;
}

/** Fills system fields for a new object (uid, creationTimestamp, generation) and clears what clients may not set. */
export function prepareObjectMetaForCreate(obj: KubeObject, def: ResourceDefinition, now: Date): void {
  const m = obj.metadata;
  if (!m.name && m.generateName) m.name = generateName(m.generateName);
  m.uid = randomUUID();
  m.creationTimestamp = rfc3339(now);
  delete m.deletionTimestamp;
  delete m.deletionGracePeriodSeconds;
  delete m.selfLink;
  if (def.generation) m.generation = 1;
  else delete m.generation;
  if (m.labels && Object.keys(m.labels).length === 0) delete m.labels;
  if (m.annotations && Object.keys(m.annotations).length === 0) delete m.annotations;
}

/** Carries system fields over from the stored object and bumps generation when the object's spec changed. */
export function prepareObjectMetaForUpdate(obj: KubeObject, old: KubeObject, def: ResourceDefinition): void {
  const m = obj.metadata;
  const o = old.metadata;
  if (!m.uid) m.uid = o.uid;
  m.creationTimestamp = o.creationTimestamp;
  setOrDelete(m, "deletionTimestamp", o.deletionTimestamp);
  setOrDelete(m, "deletionGracePeriodSeconds", o.deletionGracePeriodSeconds);
  delete m.selfLink;
  if (def.generation) {
    m.generation = o.generation ?? 1;
    if (!sameOutsideMetadataAndStatus(obj, old)) m.generation += 1;
  } else {
    setOrDelete(m, "generation", o.generation);
  }
  if (m.labels && Object.keys(m.labels).length === 0) delete m.labels;
  if (m.annotations && Object.keys(m.annotations).length === 0) delete m.annotations;
}

function setOrDelete<K extends keyof ObjectMeta>(m: ObjectMeta, k: K, v: ObjectMeta[K] | undefined): void {
  if (v === undefined) delete m[k];
  else m[k] = v;
}

function sameOutsideMetadataAndStatus(a: KubeObject, b: KubeObject): boolean {
  const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
  for (const k of keys) {
    if (k === "metadata" || k === "status" || k === "apiVersion" || k === "kind") continue;
    if (!deepEqual(a[k], b[k])) return false;
  }
  return true;
}

/** ValidateObjectMeta: name/generateName, namespace rules, labels, annotations, ownerReferences, finalizers. */
export function validateObjectMeta(obj: KubeObject, def: ResourceDefinition): FieldError[] {
  const errs: FieldError[] = [];
  const m = obj.metadata;
  const validateName = def.nameValidator ?? nameIsDNSSubdomain;
  if (m.generateName) {
    for (const msg of validateName(m.generateName, true)) errs.push(fieldErrors.invalid(meta.child("generateName"), m.generateName, msg));
  }
  if (!m.name) {
    errs.push(fieldErrors.required(meta.child("name"), "name or generateName is required"));
  } else {
    for (const msg of validateName(m.name, false)) errs.push(fieldErrors.invalid(meta.child("name"), m.name, msg));
  }
  if (def.namespaced) {
    if (!m.namespace) errs.push(fieldErrors.required(meta.child("namespace")));
    else for (const msg of isDNS1123Label(m.namespace)) errs.push(fieldErrors.invalid(meta.child("namespace"), m.namespace, msg));
  } else if (m.namespace) {
    errs.push(fieldErrors.forbidden(meta.child("namespace"), "not allowed on this type"));
  }
  if (m.generation !== undefined && m.generation < 0) errs.push(fieldErrors.invalid(meta.child("generation"), m.generation, "must be greater than or equal to 0"));
  errs.push(...validateLabels(m.labels, meta.child("labels")));
  errs.push(...validateAnnotations(m.annotations, meta.child("annotations")));
  errs.push(...validateOwnerReferences(m, def));
  errs.push(...validateFinalizers(m.finalizers));
  return errs;
}

function validateOwnerReferences(m: ObjectMeta, def: ResourceDefinition): FieldError[] {
  const errs: FieldError[] = [];
  const path = meta.child("ownerReferences");
  const controllers: string[] = [];
  (m.ownerReferences ?? []).forEach((ref, i) => {
    const p = path.index(i);
    if (!ref.apiVersion) errs.push(fieldErrors.invalid(p.child("apiVersion"), ref.apiVersion ?? "", "version must not be empty"));
    if (!ref.kind) errs.push(fieldErrors.invalid(p.child("kind"), ref.kind ?? "", "kind must not be empty"));
    if (!ref.name) errs.push(fieldErrors.invalid(p.child("name"), ref.name ?? "", "name must not be empty"));
    if (!ref.uid) errs.push(fieldErrors.invalid(p.child("uid"), ref.uid ?? "", "uid must not be empty"));
    if (ref.uid && ref.uid === m.uid) errs.push(fieldErrors.invalid(path, m.ownerReferences, "cannot reference self"));
    if (ref.controller) controllers.push(`${ref.kind}/${ref.name}`);
  });
  if (controllers.length > 1) {
    errs.push(fieldErrors.invalid(path, m.ownerReferences, `Only one reference can have Controller set to true. Found "true" in references for ${controllers.join(" and ")}`));
  }
  void def;
  return errs;
}

function validateFinalizers(finalizers: string[] | undefined): FieldError[] {
  const errs: FieldError[] = [];
  const path = meta.child("finalizers");
  const seen = new Set<string>();
  (finalizers ?? []).forEach((f, i) => {
    for (const msg of isQualifiedName(f)) errs.push(fieldErrors.invalid(path.index(i), f, msg));
    if (!f.includes("/") && !standardFinalizers.has(f)) {
      errs.push(fieldErrors.invalid(path.index(i), f, "name is neither a standard finalizer name nor is it fully qualified"));
    }
    if (seen.has(f)) errs.push(fieldErrors.duplicate(path.index(i), f));
    seen.add(f);
  });
  if (finalizers?.includes("orphan") && finalizers.includes("foregroundDeletion")) {
    errs.push(fieldErrors.invalid(path, finalizers, `finalizer orphan and foregroundDeletion cannot be both set`));
  }
  return errs;
}

/** ValidateObjectMetaUpdate: immutable name, namespace, uid, creationTimestamp; deletion fields only shrink. */
export function validateObjectMetaUpdate(obj: KubeObject, old: KubeObject, def: ResourceDefinition): FieldError[] {
  const errs = validateObjectMeta(obj, def);
  const m = obj.metadata;
  const o = old.metadata;
  const immutable = (field: "name" | "namespace" | "uid" | "creationTimestamp"): void => {
    if ((m[field] ?? "") !== (o[field] ?? "")) errs.push(fieldErrors.invalid(meta.child(field), m[field] ?? "", "field is immutable"));
  };
  immutable("name");
  immutable("namespace");
  immutable("uid");
  immutable("creationTimestamp");
  if (o.deletionTimestamp) {
    const added = (m.finalizers ?? []).filter((f) => !(o.finalizers ?? []).includes(f));
    if (added.length > 0) {
      errs.push(fieldErrors.forbidden(meta.child("finalizers"), `no new finalizers can be added if the object is being deleted, found new finalizers ${JSON.stringify(added)}`));
    }
  }
  return errs;
}
