/**
 * core/v1 secrets (pkg/registry/core/secret): type Opaque by default, `stringData` folded into base64 `data`,
 * key and size rules, type-specific required keys, immutable type and `immutable` data, field selector `type`.
 */
import type { ResourceDefinition, Strategy } from "../../../apiserver/resource.js";
import type { KubeObject } from "../../../core/object.js";
import { deepEqual } from "../../../core/object.js";
import { FieldPath, fieldErrors, type FieldError } from "../../../core/validation.js";
import { age, ageColumn, col, nameColumn } from "../common/printers.js";
import { checkBase64Map, decodedLength, jsonObjectError, maxDataSize, validateImmutableData } from "./databag.js";
import { plainObjectPatchMeta } from "./patchmeta.js";
import { asObj, ensureObj, isConfigMapKey, objOf, strOf } from "./util.js";

const dataPath = FieldPath.of("data");

/** v1 conversion: stringData entries overwrite data entries (base64-encoded); stringData is never stored. */
export function mergeStringData(secret: KubeObject): void {
  const sd = asObj(secret.stringData);
  if (sd) {
    const data = ensureObj(secret, "data");
    for (const [k, v] of Object.entries(sd)) data[k] = Buffer.from(typeof v === "string" ? v : String(v), "utf8").toString("base64");
  }
  delete secret.stringData;
}

function decoded(v: unknown): string {
  return typeof v === "string" ? Buffer.from(v, "base64").toString("utf8") : "";
}

/** ValidateSecret (beyond metadata). */
export function validateSecret(secret: KubeObject): FieldError[] {
  const errs: FieldError[] = [];
  const data = objOf(secret.data);
  let total = 0;
  for (const key of Object.keys(data).sort()) {
    for (const m of isConfigMapKey(key)) errs.push(fieldErrors.invalid(dataPath.key(key), key, m));
    const v = data[key];
    if (typeof v === "string") total += decodedLength(v);
  }
  if (total > maxDataSize) errs.push(fieldErrors.tooLong(dataPath, "", maxDataSize));
  const has = (k: string): boolean => k in data;
  switch (strOf(secret.type)) {
    case "kubernetes.io/service-account-token":
      if (!secret.metadata.annotations?.["kubernetes.io/service-account.name"]) {
        errs.push(fieldErrors.required(FieldPath.of("metadata", "annotations").key("kubernetes.io/service-account.name")));
      }
      break;
    case "kubernetes.io/dockercfg":
    case "kubernetes.io/dockerconfigjson": {
      const key = secret.type === "kubernetes.io/dockercfg" ? ".dockercfg" : ".dockerconfigjson";
      if (!has(key)) {
        errs.push(fieldErrors.required(dataPath.key(key)));
        break;
      }
      const err = jsonObjectError(decoded(data[key]));
      if (err) errs.push(fieldErrors.invalid(dataPath.key(key), "<secret contents redacted>", err));
      break;
    }
    case "kubernetes.io/basic-auth":
      if (!has("username") && !has("password")) {
        errs.push(fieldErrors.required(dataPath.key("username")));
        errs.push(fieldErrors.required(dataPath.key("password")));
      }
      break;
    case "kubernetes.io/ssh-auth":
      if (decodedLength(strOf(data["ssh-privatekey"])) === 0) errs.push(fieldErrors.required(dataPath.key("ssh-privatekey")));
      break;
    case "kubernetes.io/tls":
      if (!has("tls.crt")) errs.push(fieldErrors.required(dataPath.key("tls.crt")));
      if (!has("tls.key")) errs.push(fieldErrors.required(dataPath.key("tls.key")));
      break;
    default:
      break;
  }
  return errs;
}

/** ValidateSecretUpdate (beyond metadata). */
export function validateSecretUpdate(secret: KubeObject, old: KubeObject): FieldError[] {
  const errs: FieldError[] = [];
  if (!deepEqual(secret.type, old.type)) errs.push(fieldErrors.invalid("type", secret.type, "field is immutable"));
  errs.push(...validateImmutableData(secret, old, ["data"]));
  errs.push(...validateSecret(secret));
  return errs;
}

export const secretStrategy: Strategy = {
  default(obj) {
    checkBase64Map(obj, "data", "Secret");
    mergeStringData(obj);
    if (!strOf(obj.type)) obj.type = "Opaque";
  },
  validate: validateSecret,
  validateUpdate: validateSecretUpdate,
};

export const secrets: ResourceDefinition = {
  group: "",
  version: "v1",
  names: { plural: "secrets", singular: "secret", kind: "Secret", listKind: "SecretList" },
  namespaced: true,
  strategy: secretStrategy,
  table: {
    columns: [
      nameColumn,
      col("Type", "Used to facilitate programmatic handling of secret data. More info: https://kubernetes.io/docs/concepts/configuration/secret/#secret-types"),
      col("Data", "Data contains the secret data. Each key must consist of alphanumeric characters, '-', '_' or '.'. The serialized form of the secret data is a base64 encoded string, representing the arbitrary (possibly non-string) data value here. Described in https://tools.ietf.org/html/rfc4648#section-4"),
      ageColumn,
    ],
    cells: (obj, now) => [obj.metadata.name ?? "", strOf(obj.type), Object.keys(objOf(obj.data)).length, age(obj, now)],
  },
  selectableFields: (obj) => ({ type: strOf(obj.type) }),
  patchMeta: plainObjectPatchMeta,
};
