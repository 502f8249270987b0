/**
 * Type aliases for API type files (`api/<version>/<kind>.types.ts`). They are plain TypeScript types at run time
 * (what the JSON carries); `kubeforge generate` recognises them by name and origin and maps each to the
 * OpenAPI schema controller-gen emits for the Go type of the same name.
 */
export type { ObjectMeta } from "../core/object.js";
export type { Condition, ConditionStatus } from "../conditions/conditions.js";

/** A 32-bit integer: `type: integer, format: int32`. */
export type Int32 = number;
/** A 64-bit integer: `type: integer, format: int64` (JSON numbers beyond 2^53 lose precision in JavaScript). */
export type Int64 = number;
/** resource.Quantity ("500m", "1Gi", 2): int-or-string with the quantity pattern. */
export type Quantity = string | number;
/** intstr.IntOrString (`1` or `"25%"`): `x-kubernetes-int-or-string: true`. */
export type IntOrString = number | string;
/** metav1.Time: an RFC 3339 timestamp, `type: string, format: date-time`. */
export type Time = string;
/** metav1.MicroTime: an RFC 3339 timestamp with microseconds, `type: string, format: date-time`. */
export type MicroTime = string;
/** metav1.Duration: a Go duration string such as "1h30m", `type: string`. */
export type Duration = string;

/** The names the code generator maps to fixed schemas when imported from "kubeforge" / "kubeforge/api". */
export const apiTypeNames = ["Int32", "Int64", "Quantity", "IntOrString", "Time", "MicroTime", "Duration", "ObjectMeta", "Condition"] as const;
export type ApiTypeName = (typeof apiTypeNames)[number];
