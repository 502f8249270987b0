/**
 * <%= kind %> (<%= fullGroup %>/<%= version %>) as this project's aggregated API server serves it: the definition
 * generated from <%= typesFile %> (names, scope, OpenAPI schema, printer columns, status subresource) and
 * this strategy. Written once by "kubeforge create api --aggregated": edit it freely.
 *
 * Order of the hooks (the API server's pipeline, as k8s.io/apiserver's): default → prepareForCreate /
 * prepareForUpdate → validate / validateUpdate → store. The markers' rules run in `default` (unknown fields
 * pruned, +kubebuilder:default applied) and `validate` (the schema); validate<%= kind %>() below adds the rest.
 * Errors are reported as kube-apiserver reports them: 422 Invalid, one cause per field path.
 */
import type { ResourceDefinition } from "kubeforge/apiserver";
import type { <%= kind %> } from "<%= typesImport %>";
import { <%= definitionExport %>, <%= schemaStrategyExport %> } from "<%= generatedImport %>";
import { fieldErrors, type FieldError } from "<%= schemaImport %>";

/**
 * Rules for a new or changed <%= kind %> beyond its markers (cross-field checks and the like). Field paths are
 * dotted as kubectl shows them: "spec.foo", "spec.items[0].name".
 */
export function validate<%= kind %>(obj: <%= kind %>): FieldError[] {
  const errs: FieldError[] = [];
  if (obj.spec?.foo === "forbidden") errs.push(fieldErrors.invalid("spec.foo", obj.spec.foo, "is not allowed (an example rule in <%= registryFile %>)"));
  return errs;
}

/** Rules for an update only (immutable fields, allowed transitions); `old` is the stored object. */
export function validate<%= kind %>Update(_obj: <%= kind %>, _old: <%= kind %>): FieldError[] {
  return [];
}

export const <%= resourceExport %>: ResourceDefinition = {
  ...<%= definitionExport %>,
  strategy: {
    default: (obj) => <%= schemaStrategyExport %>.default(obj),
    // the status is written through the status subresource, never on create
    prepareForCreate: (obj) => {
      delete obj.status;
    },
    validate: (obj) => [...<%= schemaStrategyExport %>.validate(obj), ...validate<%= kind %>(obj as <%= kind %>)],
    validateUpdate: (obj, old) => [...<%= schemaStrategyExport %>.validate(obj), ...validate<%= kind %>(obj as <%= kind %>), ...validate<%= kind %>Update(obj as <%= kind %>, old as <%= kind %>)],
    validateStatusUpdate: (obj) => <%= schemaStrategyExport %>.validate(obj),
    warningsOnCreate: (obj) => <%= schemaStrategyExport %>.warnings(obj),
    warningsOnUpdate: (obj) => <%= schemaStrategyExport %>.warnings(obj),
  },
};
