/**
 * events.k8s.io/v1 Event ⇄ core/v1 Event (pkg/apis/events/v1/conversion.go). Both versions are served from the
 * one core-shaped storage ("/events"):
 *
 *   regarding ⇄ involvedObject            note ⇄ message
 *   reportingController ⇄ reportingComponent
 *   deprecatedSource ⇄ source             deprecatedCount ⇄ count
 *   deprecatedFirstTimestamp ⇄ firstTimestamp, deprecatedLastTimestamp ⇄ lastTimestamp
 *   eventTime, series, action, reason, type, related, reportingInstance: same names in both.
 */
import type { VersionConversion } from "../../../apiserver/resource.js";
import { deepCopy, type KubeObject } from "../../../core/object.js";

export const eventsGroupVersion = "events.k8s.io/v1";

/** [events.k8s.io/v1 field, core/v1 field] pairs; every other top-level field is dropped by the conversion. */
const fieldMap: ReadonlyArray<readonly [string, string]> = [
  ["eventTime", "eventTime"],
  ["series", "series"],
  ["reportingController", "reportingComponent"],
  ["reportingInstance", "reportingInstance"],
  ["action", "action"],
  ["reason", "reason"],
  ["regarding", "involvedObject"],
  ["related", "related"],
  ["note", "message"],
  ["type", "type"],
  ["deprecatedSource", "source"],
  ["deprecatedFirstTimestamp", "firstTimestamp"],
  ["deprecatedLastTimestamp", "lastTimestamp"],
  ["deprecatedCount", "count"],
];

/** Only fields of the events.k8s.io/v1 shape (no core/v1 field has these names). */
const v1OnlyFields = ["regarding", "note", "reportingController", "deprecatedSource", "deprecatedFirstTimestamp", "deprecatedLastTimestamp", "deprecatedCount"];

function present(v: unknown): boolean {
  return v !== undefined && v !== null;
}

/** An events.k8s.io/v1 Event as the core/v1 Event it is stored as (a new object). */
export function eventV1ToCore(obj: KubeObject): KubeObject {
  const out: KubeObject = { apiVersion: "v1", kind: "Event", metadata: deepCopy(obj.metadata ?? {}) };
  for (const [v1Field, coreField] of fieldMap) {
    const v = obj[v1Field];
    if (present(v)) out[coreField] = deepCopy(v);
  }
  return out;
}

/**
 * A stored core/v1 Event as events.k8s.io/v1 serves it (a new object). As Go's encoder: empty omitempty fields
 * are left out, and fields it always writes are filled with their zero encodings: `eventTime`, `deprecatedFirstTimestamp`, `deprecatedLastTimestamp` as
 * null, `regarding` and `deprecatedSource` as {}.
 */
export function coreEventToV1(obj: KubeObject): KubeObject {
  const out: KubeObject = { apiVersion: eventsGroupVersion, kind: "Event", metadata: deepCopy(obj.metadata ?? {}) };
  for (const [v1Field, coreField] of fieldMap) {
    const v = obj[coreField];
    if (present(v)) out[v1Field] = deepCopy(v);
  }
  // omitempty fields: Go drops their zero values.
  for (const f of ["reportingController", "reportingInstance", "action", "reason", "note", "type"]) if (out[f] === "") delete out[f];
  if (out["deprecatedCount"] === 0) delete out["deprecatedCount"];
  if (!present(out["eventTime"])) out["eventTime"] = null;
  if (!present(out["regarding"])) out["regarding"] = {};
  if (!present(out["deprecatedSource"])) out["deprecatedSource"] = {};
  if (!present(out["deprecatedFirstTimestamp"])) out["deprecatedFirstTimestamp"] = null;
  if (!present(out["deprecatedLastTimestamp"])) out["deprecatedLastTimestamp"] = null;
  return out;
}

/** True when `obj` has the events.k8s.io/v1 shape (by apiVersion, else by its v1-only fields). */
export function isEventsV1Shape(obj: KubeObject): boolean {
  if (typeof obj.apiVersion === "string" && obj.apiVersion !== "") return obj.apiVersion === eventsGroupVersion;
  return v1OnlyFields.some((f) => obj[f] !== undefined);
}

/** The core/v1 view of an Event in either shape (the object itself when it already is core-shaped). */
export function asCoreEvent(obj: KubeObject): KubeObject {
  return isEventsV1Shape(obj) ? eventV1ToCore(obj) : obj;
}

export const eventsV1Conversion: VersionConversion = {
  toStorage: eventV1ToCore,
  fromStorage: coreEventToV1,
};
