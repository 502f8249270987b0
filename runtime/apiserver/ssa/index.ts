/** Server-side apply and managedFields bookkeeping. */
export { applyConfiguration, recordUpdate, type FieldManagerScope } from "./fieldmanager.js";
export { fieldManagerScope, managerOrUserAgent, rootFieldType } from "./scope.js";
export { fieldTypeFromPatchMeta, fieldTypeFromSchema, type FieldType, type StructuralSchema } from "./schema.js";
export { FieldSet, pathString } from "./fieldset.js";
export { decodeFieldsV1, encodeFieldsV1 } from "./fieldsv1.js";
