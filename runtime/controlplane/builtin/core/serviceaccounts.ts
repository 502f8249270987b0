/** core/v1 serviceaccounts (pkg/registry/core/serviceaccount): NAME SECRETS AGE, deletes return the object. */
import type { ResourceDefinition } from "../../../apiserver/resource.js";
import { age, ageColumn, col, nameColumn } from "../common/printers.js";
import { serviceAccountPatchMeta } from "./patchmeta.js";
import { arrOf } from "./util.js";

export const serviceaccounts: ResourceDefinition = {
  group: "",
  version: "v1",
  names: { plural: "serviceaccounts", singular: "serviceaccount", kind: "ServiceAccount", listKind: "ServiceAccountList", shortNames: ["sa"] },
  namespaced: true,
  table: {
    columns: [
      nameColumn,
      col("Secrets", "Secrets is a list of the secrets in the same namespace that pods running using this ServiceAccount are allowed to use. Pods are only limited to this list if this service account has a \"kubernetes.io/enforce-mountable-secrets\" annotation set to \"true\". The \"kubernetes.io/enforce-mountable-secrets\" annotation is deprecated since v1.32. Prefer separate namespaces to isolate access to mounted secrets. This field should not be used to find auto-generated service account token secrets for use outside of pods. Instead, tokens can be requested directly using the TokenRequest API, or service account token secrets can be manually created. More info: https://kubernetes.io/docs/concepts/configuration/secret"),
      ageColumn,
    ],
    cells: (obj, now) => [obj.metadata.name ?? "", arrOf(obj.secrets).length, age(obj, now)],
  },
  patchMeta: serviceAccountPatchMeta,
  returnDeletedObject: true,
};
