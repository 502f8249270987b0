/**
 * core/v1 events (pkg/registry/core/event): the legacy event validation core/v1 requests get (namespaces agree;
 * new-style events with eventTime need reportingComponent, reportingInstance, action, reason), the field
 * selectors `kubectl get events --field-selector` uses, and the events table (LAST SEEN TYPE REASON OBJECT MESSAGE).
 */
import type { ResourceDefinition, Strategy } from "../../../apiserver/resource.js";
import type { KubeObject } from "../../../core/object.js";
import { FieldPath, fieldErrors, isDNS1123Subdomain, isQualifiedName, type FieldError } from "../../../core/validation.js";
import { col, objectMetaNameDescription, since } from "../common/printers.js";
import { plainObjectPatchMeta } from "./patchmeta.js";
import { asObj, numOf, objOf, strOf } from "./util.js";

/** Length limits of new-style events (pkg/apis/core/validation/events.go). */
export const eventLimits = { reportingInstance: 128, action: 128, reason: 128, note: 1024 } as const;

function isZeroTime(v: unknown): boolean {
  return typeof v !== "string" || v === "" || v.startsWith("0001-01-01");
}

/**
 * legacyValidateEvent: the validation every core/v1 event create and update gets. `reportingField` names the
 * reporting controller field in the request's version ("reportingComponent" for core/v1).
 */
export function validateLegacyEvent(ev: KubeObject, reportingField = "reportingComponent"): FieldError[] {
  const errs: FieldError[] = [];
  const involved = objOf(ev.involvedObject);
  const involvedNs = strOf(involved.namespace);
  const ns = ev.metadata.namespace ?? "";
  const nsPath = FieldPath.of("involvedObject", "namespace");
  if (isZeroTime(ev.eventTime)) {
    if (!involvedNs) {
      if (ns !== "" && ns !== "default") errs.push(fieldErrors.invalid(nsPath, involvedNs, "does not match event.namespace"));
    } else if (ns !== involvedNs) {
      errs.push(fieldErrors.invalid(nsPath, involvedNs, "does not match event.namespace"));
    }
  } else {
    if (!involvedNs && ns !== "default" && ns !== "kube-system") errs.push(fieldErrors.invalid(nsPath, involvedNs, "does not match event.namespace"));
    const rc = strOf(ev.reportingComponent);
    if (!rc) errs.push(fieldErrors.required(reportingField));
    for (const m of isQualifiedName(rc)) errs.push(fieldErrors.invalid(reportingField, rc, m));
    const ri = strOf(ev.reportingInstance);
    if (!ri) errs.push(fieldErrors.required("reportingInstance"));
    if (ri.length > eventLimits.reportingInstance) errs.push(fieldErrors.invalid("reportingInstance", "", `can have at most ${eventLimits.reportingInstance} characters`));
    const action = strOf(ev.action);
    if (!action) errs.push(fieldErrors.required("action"));
    if (action.length > eventLimits.action) errs.push(fieldErrors.invalid("action", "", `can have at most ${eventLimits.action} characters`));
    const reason = strOf(ev.reason);
    if (!reason) errs.push(fieldErrors.required("reason"));
    if (reason.length > eventLimits.reason) errs.push(fieldErrors.invalid("reason", "", `can have at most ${eventLimits.reason} characters`));
    if (strOf(ev.message).length > eventLimits.note) errs.push(fieldErrors.invalid("message", "", `can have at most ${eventLimits.note} characters`));
  }
  for (const m of isDNS1123Subdomain(ns)) errs.push(fieldErrors.invalid("namespace", ns, m));
  return errs;
}

export const eventStrategy: Strategy = {
  validate: (obj) => validateLegacyEvent(obj),
  validateUpdate: (obj) => validateLegacyEvent(obj),
};

/** ToSelectableFields of core/v1 events. */
export function eventSelectableFields(ev: KubeObject): Record<string, string> {
  const involved = objOf(ev.involvedObject);
  const source = strOf(objOf(ev.source).component) || strOf(ev.reportingComponent);
  return {
    "involvedObject.kind": strOf(involved.kind),
    "involvedObject.namespace": strOf(involved.namespace),
    "involvedObject.name": strOf(involved.name),
    "involvedObject.uid": strOf(involved.uid),
    "involvedObject.apiVersion": strOf(involved.apiVersion),
    "involvedObject.resourceVersion": strOf(involved.resourceVersion),
    "involvedObject.fieldPath": strOf(involved.fieldPath),
    reason: strOf(ev.reason),
    reportingComponent: strOf(ev.reportingComponent),
    source,
    type: strOf(ev.type),
  };
}

/** printEvent's cells (wide order): LAST SEEN, TYPE, REASON, OBJECT, SUBOBJECT, SOURCE, MESSAGE, FIRST SEEN, COUNT, NAME. */
export function eventCells(ev: KubeObject, now: Date): unknown[] {
  const first = isZeroTime(ev.firstTimestamp) ? since(isZeroTime(ev.eventTime) ? undefined : ev.eventTime, now) : since(ev.firstTimestamp, now);
  let last = isZeroTime(ev.lastTimestamp) ? first : since(ev.lastTimestamp, now);
  let count = numOf(ev.count) ?? 0;
  const series = asObj(ev.series);
  if (series) {
    last = since(isZeroTime(series.lastObservedTime) ? undefined : series.lastObservedTime, now);
    count = numOf(series.count) ?? 0;
  } else if (count === 0) {
    count = 1;
  }
  const involved = objOf(ev.involvedObject);
  const kind = strOf(involved.kind).toLowerCase();
  const target = strOf(involved.name) ? `${kind}/${strOf(involved.name)}` : kind;
  const src = objOf(ev.source);
  const component = strOf(src.component) || strOf(ev.reportingComponent);
  const instance = strOf(src.host) || strOf(ev.reportingInstance);
  const source = instance ? `${component}, ${instance}` : component;
  return [last, strOf(ev.type), strOf(ev.reason), target, strOf(involved.fieldPath), source, strOf(ev.message).trim(), first, count, ev.metadata.name ?? ""];
}

export const events: ResourceDefinition = {
  group: "",
  version: "v1",
  names: { plural: "events", singular: "event", kind: "Event", listKind: "EventList", shortNames: ["ev"] },
  namespaced: true,
  strategy: eventStrategy,
  table: {
    columns: [
      col("Last Seen", "The time at which the most recent occurrence of this event was recorded."),
      col("Type", "Type of this event (Normal, Warning), new types could be added in the future"),
      col("Reason", "This should be a short, machine understandable string that gives the reason for the transition into the object's current status."),
      col("Object", "The object that this event is about."),
      col("Subobject", "If referring to a piece of an object instead of an entire object, this string should contain a valid JSON/Go field access statement, such as desiredState.manifest.containers[2]. For example, if the object reference is to a container within a pod, this would take on a value like: \"spec.containers{name}\" (where \"name\" refers to the name of the container that triggered the event) or if no container name is specified \"spec.containers[2]\" (container with index 2 in this pod). This syntax is chosen only to have some well-defined way of referencing a part of an object.", 1),
      col("Source", "The component reporting this event. Should be a short machine understandable string.", 1),
      col("Message", "A human-readable description of the status of this operation."),
      col("First Seen", "The time at which the event was first recorded. (Time of server receipt is in TypeMeta.)", 1),
      col("Count", "The number of times this event has occurred.", 1),
      { name: "Name", type: "string", format: "name", description: objectMetaNameDescription, priority: 1 },
    ],
    cells: eventCells,
  },
  selectableFields: eventSelectableFields,
  patchMeta: plainObjectPatchMeta,
};
