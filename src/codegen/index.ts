/** The code generator: API types with controller-gen markers → CRD, RBAC and webhook manifests. */
export { generate, changedFiles, writeGenerated, staleFiles, removeStale } from "./generate.js";
export type { GenerateOptions, GeneratedFile } from "./generate.js";
export { CodegenError, GenerationError } from "./errors.js";
export type { SourcePos } from "./errors.js";
export type { JSONSchemaProps, ValidationRule } from "./jsonschema.js";
