/** apiextensions.k8s.io/v1 CustomResourceDefinition: types, defaulting and validation as kube-apiserver does them. */
import type { KubeObject } from "../core/object.js";
import { isPlainObject } from "../core/object.js";
import { fieldErrors, FieldPath, isDNS1035Label, type FieldError } from "../core/validation.js";
import { validateSchemaRules } from "./celrules.js";
import { hasInvalidMapListKeysMapSet, hasNonAtomicSetType, validateStructuralSchema, type JSONSchemaProps, type SchemaValidationOptions } from "./schema.js";
import { validateReviewVersions, validateWebhookClientConfig, type WebhookClientConfigLike } from "./webhookclientconfig.js";

export const crdGroup = "apiextensions.k8s.io";
export const cleanupFinalizer = "customresourcecleanup.apiextensions.k8s.io";

export interface CRDNames {
  plural: string;
  singular?: string;
  kind: string;
  listKind?: string;
  shortNames?: string[];
  categories?: string[];
}

export interface PrinterColumn {
  name: string;
  type: string;
  format?: string;
  description?: string;
  priority?: number;
  jsonPath: string;
}

export interface CRDVersion {
  name: string;
  served: boolean;
  storage: boolean;
  deprecated?: boolean;
  deprecationWarning?: string;
  schema?: { openAPIV3Schema?: JSONSchemaProps };
  subresources?: { status?: Record<string, never>; scale?: { specReplicasPath: string; statusReplicasPath: string; labelSelectorPath?: string } };
  additionalPrinterColumns?: PrinterColumn[];
}

export interface CRDSpec {
  group: string;
  names: CRDNames;
  scope: string;
  versions: CRDVersion[];
  conversion?: CRDConversion;
  preserveUnknownFields?: boolean;
}

/** spec.conversion: None (apiVersion rewrite) or Webhook (a ConversionReview call). */
export interface CRDConversion {
  strategy: string;
  webhook?: { clientConfig?: WebhookClientConfigLike; conversionReviewVersions?: string[] };
}

/** The ConversionReview versions a conversion webhook may accept. */
export const acceptedConversionReviewVersions = ["v1", "v1beta1"] as const;

export interface CRDCondition {
  type: string;
  status: string;
  lastTransitionTime?: string;
  reason?: string;
  message?: string;
}

export interface CRDStatus {
  conditions?: CRDCondition[];
  acceptedNames?: CRDNames;
  storedVersions?: string[];
}

export interface CustomResourceDefinition extends KubeObject {
  spec: CRDSpec;
  status?: CRDStatus;
}

export function asCRD(obj: KubeObject): CustomResourceDefinition {
  const o = obj as CustomResourceDefinition;
  if (!isPlainObject(o.spec)) o.spec = {} as CRDSpec;
  return o;
}

/** v1 defaulting (SetDefaults_CustomResourceDefinition*). */
export function defaultCRD(obj: KubeObject): void {
  const crd = asCRD(obj);
  const spec = crd.spec;
  if (!isPlainObject(spec.names)) spec.names = {} as CRDNames;
  const n = spec.names;
  if (!n.singular && typeof n.kind === "string" && n.kind) n.singular = n.kind.toLowerCase();
  if (!n.listKind && typeof n.kind === "string" && n.kind) n.listKind = `${n.kind}List`;
  spec.conversion ??= { strategy: "None" };
  const convService = isPlainObject(spec.conversion) ? spec.conversion.webhook?.clientConfig?.service : undefined;
  if (isPlainObject(convService)) convService.port ??= 443;
  if (!Array.isArray(spec.versions)) spec.versions = [];
}

const dnsErr = (v: string): string => isDNS1035Label(v).join(",");

/**
 * ValidateCustomResourceDefinition (the essentials), status.storedVersions included. `opts` relaxes schema rules
 * an updated CRD's stored version already broke (upstream's ratcheting on update).
 */
export function validateCRD(obj: KubeObject, opts: SchemaValidationOptions = {}): FieldError[] {
  const crd = asCRD(obj);
  const spec = crd.spec;
  const errs: FieldError[] = [];
  const sp = FieldPath.of("spec");
  const n = spec.names ?? ({} as CRDNames);
  if (crd.metadata.name !== `${n.plural}.${spec.group}`) {
    errs.push(fieldErrors.invalid(FieldPath.of("metadata", "name"), crd.metadata.name ?? "", `must be spec.names.plural+"."+spec.group`));
  }
  if (!spec.group) errs.push(fieldErrors.required(sp.child("group"), ""));
  else if (spec.group.split(".").length < 2) errs.push(fieldErrors.invalid(sp.child("group"), spec.group, "should be a domain with at least one dot"));
  if (!spec.scope) errs.push(fieldErrors.required(sp.child("scope"), ""));
  else if (spec.scope !== "Cluster" && spec.scope !== "Namespaced") errs.push(fieldErrors.notSupported(sp.child("scope"), spec.scope, ["Cluster", "Namespaced"]));
  const np = sp.child("names");
  for (const f of ["plural", "singular", "kind", "listKind"] as const) if (!n[f]) errs.push(fieldErrors.required(np.child(f), ""));
  if (n.plural && dnsErr(n.plural)) errs.push(fieldErrors.invalid(np.child("plural"), n.plural, dnsErr(n.plural)));
  if (n.singular && dnsErr(n.singular)) errs.push(fieldErrors.invalid(np.child("singular"), n.singular, dnsErr(n.singular)));
  if (n.kind && dnsErr(n.kind.toLowerCase())) errs.push(fieldErrors.invalid(np.child("kind"), n.kind, `may have mixed case, but should otherwise match: ${dnsErr(n.kind.toLowerCase())}`));
  if (n.listKind && dnsErr(n.listKind.toLowerCase())) errs.push(fieldErrors.invalid(np.child("listKind"), n.listKind, `may have mixed case, but should otherwise match: ${dnsErr(n.listKind.toLowerCase())}`));
  for (const [i, s] of (n.shortNames ?? []).entries()) if (dnsErr(s)) errs.push(fieldErrors.invalid(np.child("shortNames").index(i), s, dnsErr(s)));
  if (n.kind && n.kind === n.listKind) errs.push(fieldErrors.invalid(np.child("listKind"), n.listKind, "kind and listKind may not be the same"));
  for (const [i, c] of (n.categories ?? []).entries()) if (dnsErr(c)) errs.push(fieldErrors.invalid(np.child("categories").index(i), c, dnsErr(c)));
  const vp = sp.child("versions");
  const versions = spec.versions ?? [];
  if (versions.length === 0) errs.push(fieldErrors.invalid(vp, versions, "must have exactly one version marked as storage version"));
  const seen = new Set<string>();
  let unique = true;
  for (const [i, v] of versions.entries()) {
    const p = vp.index(i);
    if (seen.has(v.name)) unique = false;
    seen.add(v.name);
    if (!v.name) errs.push(fieldErrors.required(p.child("name"), ""));
    else if (dnsErr(v.name)) errs.push(fieldErrors.invalid(p.child("name"), v.name, dnsErr(v.name)));
    const schema = v.schema?.openAPIV3Schema;
    const schp = p.child("schema").child("openAPIV3Schema");
    if (!schema) errs.push(fieldErrors.required(schp, "schemas are required"));
    else {
      const structural = validateStructuralSchema(schema, schp, opts);
      errs.push(...structural);
      // x-kubernetes-validations are compiled only for an otherwise valid schema, as upstream
      if (structural.length === 0) errs.push(...validateSchemaRules(schema, schp.toString()));
    }
    const scale = v.subresources?.scale;
    if (scale) {
      const scp = p.child("subresources").child("scale");
      if (!scale.specReplicasPath || !/^\.spec\./.test(scale.specReplicasPath)) errs.push(fieldErrors.invalid(scp.child("specReplicasPath"), scale.specReplicasPath ?? "", "should be a json path under .spec"));
      if (!scale.statusReplicasPath || !/^\.status\./.test(scale.statusReplicasPath)) errs.push(fieldErrors.invalid(scp.child("statusReplicasPath"), scale.statusReplicasPath ?? "", "should be a json path under .status"));
      if (scale.labelSelectorPath && !/^\.(spec|status)\./.test(scale.labelSelectorPath)) errs.push(fieldErrors.invalid(scp.child("labelSelectorPath"), scale.labelSelectorPath, "should be a json path under either .spec or .status"));
    }
    for (const [j, col] of (v.additionalPrinterColumns ?? []).entries()) {
      const cp = p.child("additionalPrinterColumns").index(j);
      if (!col.name) errs.push(fieldErrors.required(cp.child("name"), ""));
      if (!["integer", "number", "string", "boolean", "date"].includes(col.type)) errs.push(fieldErrors.notSupported(cp.child("type"), col.type, ["integer", "number", "string", "boolean", "date"]));
      if (!col.jsonPath) errs.push(fieldErrors.required(cp.child("jsonPath"), ""));
      else if (!col.jsonPath.startsWith(".")) errs.push(fieldErrors.invalid(cp.child("jsonPath"), col.jsonPath, "must be a simple json path starting with ."));
      if (col.priority !== undefined && col.priority < 0) errs.push(fieldErrors.invalid(cp.child("priority"), col.priority, "must be greater than or equal to 0"));
    }
  }
  if (!unique) errs.push(fieldErrors.invalid(vp, versions, "must contain unique version names"));
  if (versions.length > 0 && versions.filter((v) => v.storage).length !== 1) errs.push(fieldErrors.invalid(vp, versions, "must have exactly one version marked as storage version"));
  if (versions.length > 0 && !versions.some((v) => v.served)) errs.push(fieldErrors.invalid(vp, versions, "must have at least one served version"));
  errs.push(...validateConversion(spec.conversion, sp.child("conversion")));
  if (spec.preserveUnknownFields === true) errs.push(fieldErrors.invalid(sp.child("preserveUnknownFields"), true, "must be false in order to use defaults in the schema"));
  errs.push(...validateStoredVersions(crd.status?.storedVersions ?? [], versions));
  return errs;
}

/**
 * ValidateCustomResourceDefinitionStoredVersions: storedVersions holds the storage version, and every version
 * objects may still be stored in stays in spec.versions until a storage migration removes it from the status.
 */
export function validateStoredVersions(stored: readonly string[], versions: readonly CRDVersion[]): FieldError[] {
  const p = FieldPath.of("status", "storedVersions");
  if (stored.length === 0) return [fieldErrors.invalid(p, stored, "must have at least one stored version")];
  const errs: FieldError[] = [];
  for (const v of versions) if (v.storage && !stored.includes(v.name)) errs.push(fieldErrors.invalid(p, stored, `must have the storage version ${v.name}`));
  const served = new Set(versions.map((v) => v.name));
  for (const [i, v] of stored.entries()) {
    if (served.has(v) || stored.lastIndexOf(v) !== i) continue;
    errs.push(
      fieldErrors.invalid(
        p.index(i),
        v,
        `missing from spec.versions; ${v} was previously a storage version, and must remain in spec.versions until a storage migration ensures no data remains persisted in ${v} and removes ${v} from status.storedVersions`,
      ),
    );
  }
  return errs;
}

/** validateCustomResourceConversion (field paths as upstream reports them, after its internal names). */
function validateConversion(conversion: CRDConversion | undefined, path: FieldPath): FieldError[] {
  if (!isPlainObject(conversion)) return [];
  const errs: FieldError[] = [];
  const strategy = conversion.strategy;
  if (strategy !== "None" && strategy !== "Webhook") errs.push(fieldErrors.notSupported(path.child("strategy"), strategy, ["None", "Webhook"]));
  const webhook = isPlainObject(conversion.webhook) ? conversion.webhook : undefined;
  const versions = Array.isArray(webhook?.conversionReviewVersions) ? webhook.conversionReviewVersions.map(String) : [];
  if (strategy === "Webhook") {
    if (!webhook?.clientConfig) errs.push(fieldErrors.required(path.child("webhookClientConfig"), "required when strategy is set to Webhook"));
    else errs.push(...validateWebhookClientConfig(webhook.clientConfig, path.child("webhookClientConfig")));
    errs.push(...validateReviewVersions(versions, acceptedConversionReviewVersions, path.child("conversionReviewVersions")));
  } else {
    if (webhook?.clientConfig) errs.push(fieldErrors.forbidden(path.child("webhookClientConfig"), "should not be set when strategy is not set to Webhook"));
    if (versions.length > 0) errs.push(fieldErrors.forbidden(path.child("conversionReviewVersions"), "should not be set when strategy is not set to Webhook"));
  }
  return errs;
}

export function validateCRDUpdate(obj: KubeObject, old: KubeObject): FieldError[] {
  // rules the stored CRD already broke are not enforced on its update (upstream's requireAtomicSetType, ...)
  const oldSchemas = (asCRD(old).spec.versions ?? []).map((v) => v.schema?.openAPIV3Schema);
  const errs = validateCRD(obj, {
    requireAtomicSetType: !oldSchemas.some(hasNonAtomicSetType),
    requireMapListKeysMapSetValidation: !oldSchemas.some(hasInvalidMapListKeysMapSet),
  });
  const a = asCRD(obj).spec;
  const b = asCRD(old).spec;
  if (a.scope !== b.scope) errs.push(fieldErrors.invalid(FieldPath.of("spec", "scope"), a.scope, "field is immutable"));
  if (a.group !== b.group) errs.push(fieldErrors.invalid(FieldPath.of("spec", "group"), a.group, "field is immutable"));
  return errs;
}

export function storageVersion(crd: CustomResourceDefinition): string | undefined {
  return crd.spec.versions?.find((v) => v.storage)?.name;
}

/** Condition helpers (apiextensions helpers.SetCRDCondition). */
export function setCondition(status: CRDStatus, cond: CRDCondition, now: string): void {
  const conds = status.conditions ?? [];
  const i = conds.findIndex((c) => c.type === cond.type);
  const old = i >= 0 ? conds[i] : undefined;
  const next = { ...cond, lastTransitionTime: old && old.status === cond.status ? (old.lastTransitionTime ?? now) : now };
  if (old) conds[i] = next;
  else conds.push(next);
  status.conditions = conds;
}

export function conditionTrue(crd: CustomResourceDefinition, type: string): boolean {
  return (crd.status?.conditions ?? []).some((c) => c.type === type && c.status === "True");
}
