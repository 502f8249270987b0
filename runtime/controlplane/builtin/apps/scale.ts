/** The scale subresource's label selector of the apps/v1 kinds: spec.selector as a selector string. */
import type { KubeObject } from "../../../core/object.js";
import { asRecord } from "../common/apps-shared.js";
import { selectorOf } from "./validation.js";

/** labelSelectorAsSelector(spec.selector).String(); "" when absent or invalid. */
export function scaleSelector(obj: KubeObject): string {
  const sel = asRecord(obj["spec"])?.["selector"];
  if (sel === undefined || sel === null) return "";
  return selectorOf(sel)?.toString() ?? "";
}
