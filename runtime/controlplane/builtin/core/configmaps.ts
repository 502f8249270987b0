/**
 * core/v1 configmaps (pkg/registry/core/configmap): data / binaryData keys, no key in both, 1 MiB in total,
 * `immutable`, and `kubectl get configmaps` (NAME DATA AGE).
 */
import type { ResourceDefinition, Strategy } from "../../../apiserver/resource.js";
import type { KubeObject } from "../../../core/object.js";
import { FieldPath, fieldErrors, type FieldError } from "../../../core/validation.js";
import { age, ageColumn, col, nameColumn } from "../common/printers.js";
import { checkBase64Map, decodedLength, maxDataSize, validateImmutableData } from "./databag.js";
import { plainObjectPatchMeta } from "./patchmeta.js";
import { isConfigMapKey, objOf } from "./util.js";

/** ValidateConfigMap (beyond metadata). */
export function validateConfigMap(cm: KubeObject): FieldError[] {
  const errs: FieldError[] = [];
  const data = objOf(cm.data);
  const binary = objOf(cm.binaryData);
  let total = 0;
  for (const key of Object.keys(data).sort()) {
    const p = FieldPath.of("data").key(key);
    for (const m of isConfigMapKey(key)) errs.push(fieldErrors.invalid(p, key, m));
    if (key in binary) errs.push(fieldErrors.invalid(p, key, "duplicate of key present in binaryData"));
    const v = data[key];
    if (typeof v === "string") total += Buffer.byteLength(v, "utf8");
    else if (v !== null && v !== undefined) errs.push(fieldErrors.typeInvalid(p, v, "must be a string"));
  }
  for (const key of Object.keys(binary).sort()) {
    for (const m of isConfigMapKey(key)) errs.push(fieldErrors.invalid(FieldPath.of("binaryData").key(key), key, m));
    const v = binary[key];
    if (typeof v === "string") total += decodedLength(v);
  }
  if (total > maxDataSize) errs.push(fieldErrors.tooLong("", "", maxDataSize));
  return errs;
}

export const configMapStrategy: Strategy = {
  default(obj) {
    checkBase64Map(obj, "binaryData", "ConfigMap");
  },
  validate: validateConfigMap,
  validateUpdate: (obj, old) => [...validateImmutableData(obj, old, ["data", "binaryData"]), ...validateConfigMap(obj)],
};

export const configmaps: ResourceDefinition = {
  group: "",
  version: "v1",
  names: { plural: "configmaps", singular: "configmap", kind: "ConfigMap", listKind: "ConfigMapList", shortNames: ["cm"] },
  namespaced: true,
  strategy: configMapStrategy,
  table: {
    columns: [
      nameColumn,
      col("Data", "Data contains the configuration data. Each key must consist of alphanumeric characters, '-', '_' or '.'. Values with non-UTF-8 byte sequences must use the BinaryData field. The keys stored in Data must not overlap with the keys in the BinaryData field, this is enforced during validation process."),
      ageColumn,
    ],
    cells: (obj, now) => [obj.metadata.name ?? "", Object.keys(objOf(obj.data)).length + Object.keys(objOf(obj.binaryData)).length, age(obj, now)],
  },
  patchMeta: plainObjectPatchMeta,
};
