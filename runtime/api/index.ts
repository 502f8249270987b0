/** `kubeforge/api`: the type aliases API type files use (see runtime/api/types.ts). */
export type { Int32, Int64, Quantity, IntOrString, Time, MicroTime, Duration, ObjectMeta, Condition, ConditionStatus, ApiTypeName } from "./types.js";
export { apiTypeNames } from "./types.js";
