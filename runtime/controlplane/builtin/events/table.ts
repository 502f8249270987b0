/**
 * The Event table (printEvent): kube-apiserver prints events.k8s.io/v1 Events with the core/v1 printer, since
 * both are the same internal object. Columns: LAST SEEN, TYPE, REASON, OBJECT, MESSAGE; wide adds SUBOBJECT,
 * SOURCE, FIRST SEEN, COUNT, NAME.
 */
import type { TableConvertor } from "../../../apiserver/resource.js";
import type { KubeObject } from "../../../core/object.js";
import { asNumber, asRecord, asString } from "../common/apps-shared.js";
import { col, since } from "../common/printers.js";
import { objectMetaNameDescription } from "../common/printers.js";
import { asCoreEvent } from "./conversion.js";

function firstNonEmpty(...ss: string[]): string {
  return ss.find((s) => s.length > 0) ?? "";
}

/** formatEventSource: "component, host" (host omitted when empty), falling back to reportingController/Instance. */
export function formatEventSource(source: unknown, reportingController: string, reportingInstance: string): string {
  const s = asRecord(source) ?? {};
  const component = firstNonEmpty(asString(s["component"]), reportingController);
  const instance = firstNonEmpty(asString(s["host"]), reportingInstance);
  return instance.length === 0 ? component : `${component}, ${instance}`;
}

/** The cells of printEvent (wide) for a core-shaped Event. */
function eventCells(ev: KubeObject, now: Date): unknown[] {
  const firstTimestamp = asString(ev["firstTimestamp"]) !== "" ? since(ev["firstTimestamp"], now) : since(ev["eventTime"], now);
  let lastTimestamp = asString(ev["lastTimestamp"]) !== "" ? since(ev["lastTimestamp"], now) : firstTimestamp;
  let count = asNumber(ev["count"]) ?? 0;
  const series = ev["series"];
  if (series !== undefined && series !== null) {
    const s = asRecord(series) ?? {};
    lastTimestamp = since(s["lastObservedTime"], now);
    count = asNumber(s["count"]) ?? 0;
  } else if (count === 0) {
    // Singleton events don't have a count set in the new API.
    count = 1;
  }
  const involved = asRecord(ev["involvedObject"]) ?? {};
  const kind = asString(involved["kind"]).toLowerCase();
  const name = asString(involved["name"]);
  const target = name.length > 0 ? `${kind}/${name}` : kind;
  return [
    lastTimestamp,
    asString(ev["type"]),
    asString(ev["reason"]),
    target,
    asString(involved["fieldPath"]),
    formatEventSource(ev["source"], asString(ev["reportingComponent"]), asString(ev["reportingInstance"])),
    asString(ev["message"]).trim(),
    firstTimestamp,
    count,
    ev.metadata.name ?? "",
  ];
}

export const eventTable: TableConvertor = {
  columns: [
    col("Last Seen", "The time at which the most recent occurrence of this event was recorded."),
    col("Type", "Type of this event (Normal, Warning), new types could be added in the future"),
    col("Reason", "This should be a short, machine understandable string that gives the reason for the transition into the object's current status."),
    col("Object", "The object that this event is about."),
    col(
      "Subobject",
      'If referring to a piece of an object instead of an entire object, this string should contain a valid JSON/Go field access statement, such as desiredState.manifest.containers[2]. For example, if the object reference is to a container within a pod, this would take on a value like: "spec.containers{name}" (where "name" refers to the name of the container that triggered the event) or if no container name is specified "spec.containers[2]" (container with index 2 in this pod). This syntax is chosen only to have some well-defined way of referencing a part of an object.',
      1,
    ),
    col("Source", "The component reporting this event. Should be a short machine understandable string.", 1),
    col("Message", "A human-readable description of the status of this operation."),
    col("First Seen", "The time at which the event was first recorded. (Time of server receipt is in TypeMeta.)", 1),
    col("Count", "The number of times this event has occurred.", 1),
    { name: "Name", type: "string", format: "name", description: objectMetaNameDescription, priority: 1 },
  ],
  /** Accepts an Event in either shape (core/v1 or events.k8s.io/v1). */
  cells: (obj, now) => eventCells(asCoreEvent(obj), now),
};
