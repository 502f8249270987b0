/**
 * Event validation (k8s.io/kubernetes/pkg/apis/core/validation/events.go). Upstream validates the internal
 * (core-shaped) Event whatever the request's version, so paths and messages name core fields (`message`,
 * `involvedObject.namespace`, `firstTimestamp`, ...) even for events.k8s.io/v1 requests; the strict checks apply
 * only to requests through events.k8s.io/v1.
 */
import type { KubeObject } from "../../../core/object.js";
import { FieldPath, fieldErrors, isDNS1123Subdomain, isQualifiedName, type FieldError } from "../../../core/validation.js";
import { asRecord, asString, semanticEqual, validateImmutableField } from "../common/apps-shared.js";

export const reportingInstanceLengthLimit = 128;
export const actionLengthLimit = 128;
export const reasonLengthLimit = 128;
export const noteLengthLimit = 1024;

/** A metav1.Time / MicroTime field is zero when absent, null, empty or Go's zero time. */
function isZeroTime(v: unknown): boolean {
  if (typeof v !== "string" || v === "") return true;
  const t = Date.parse(v);
  return Number.isNaN(t) ? false : t === Date.parse("0001-01-01T00:00:00Z");
}

/** Go's len() of a string: UTF-8 bytes. */
function byteLength(s: string): number {
  return Buffer.byteLength(s, "utf8");
}

/** legacyValidateEvent: applied to every event, whatever the API version of the request. `event` is core-shaped. */
export function legacyValidateEvent(event: KubeObject): FieldError[] {
  const errs: FieldError[] = [];
  const namespace = event.metadata.namespace ?? "";
  const involved = asRecord(event["involvedObject"]) ?? {};
  const involvedNamespace = asString(involved["namespace"]);
  const involvedPath = FieldPath.of("involvedObject", "namespace");
  if (isZeroTime(event["eventTime"])) {
    if (involvedNamespace.length === 0) {
      if (namespace !== "" && namespace !== "default") errs.push(fieldErrors.invalid(involvedPath, involvedNamespace, "does not match event.namespace"));
    } else if (namespace !== involvedNamespace) {
      errs.push(fieldErrors.invalid(involvedPath, involvedNamespace, "does not match event.namespace"));
    }
  } else {
    if (involvedNamespace.length === 0 && namespace !== "default" && namespace !== "kube-system") {
      errs.push(fieldErrors.invalid(involvedPath, involvedNamespace, "does not match event.namespace"));
    }
    const reportingController = asString(event["reportingComponent"]);
    if (reportingController.length === 0) errs.push(fieldErrors.required("reportingController"));
    for (const m of isQualifiedName(reportingController)) errs.push(fieldErrors.invalid("reportingController", reportingController, m));
    const reportingInstance = asString(event["reportingInstance"]);
    if (reportingInstance.length === 0) errs.push(fieldErrors.required("reportingInstance"));
    if (byteLength(reportingInstance) > reportingInstanceLengthLimit) {
      errs.push(fieldErrors.invalid("reportingInstance", "", `can have at most ${reportingInstanceLengthLimit} characters`));
    }
    const action = asString(event["action"]);
    if (action.length === 0) errs.push(fieldErrors.required("action"));
    if (byteLength(action) > actionLengthLimit) errs.push(fieldErrors.invalid("action", "", `can have at most ${actionLengthLimit} characters`));
    const reason = asString(event["reason"]);
    if (reason.length === 0) errs.push(fieldErrors.required("reason"));
    if (byteLength(reason) > reasonLengthLimit) errs.push(fieldErrors.invalid("reason", "", `can have at most ${reasonLengthLimit} characters`));
    if (byteLength(asString(event["message"])) > noteLengthLimit) {
      errs.push(fieldErrors.invalid("message", "", `can have at most ${noteLengthLimit} characters`));
    }
  }
  for (const m of isDNS1123Subdomain(namespace)) errs.push(fieldErrors.invalid("namespace", namespace, m));
  return errs;
}

/** validateV1EventSeries. */
function validateV1EventSeries(event: KubeObject): FieldError[] {
  const errs: FieldError[] = [];
  const series = event["series"];
  if (series === undefined || series === null) return errs;
  const s = asRecord(series) ?? {};
  const count = typeof s["count"] === "number" ? s["count"] : 0;
  if (count < 2) errs.push(fieldErrors.invalid("series.count", "", "should be at least 2"));
  if (isZeroTime(s["lastObservedTime"])) errs.push(fieldErrors.required("series.lastObservedTime"));
  return errs;
}

/**
 * ValidateEventCreate. `strict` is true for requests through events.k8s.io/v1 (and newer), false for core/v1 and
 * events.k8s.io/v1beta1 (legacy validation only). `event` is core-shaped.
 */
export function validateEventCreate(event: KubeObject, strict: boolean): FieldError[] {
  const errs = legacyValidateEvent(event);
  if (!strict) return errs;
  errs.push(...validateV1EventSeries(event));
  if (isZeroTime(event["eventTime"])) errs.push(fieldErrors.required("eventTime"));
  const type = asString(event["type"]);
  if (type !== "Normal" && type !== "Warning") errs.push(fieldErrors.invalid("type", "", `has invalid value: ${type}`));
  if (!isZeroTime(event["firstTimestamp"])) errs.push(fieldErrors.invalid("firstTimestamp", "", "needs to be unset"));
  if (!isZeroTime(event["lastTimestamp"])) errs.push(fieldErrors.invalid("lastTimestamp", "", "needs to be unset"));
  if (typeof event["count"] === "number" && event["count"] !== 0) errs.push(fieldErrors.invalid("count", "", "needs to be unset"));
  const source = asRecord(event["source"]) ?? {};
  if (asString(source["component"]) !== "" || asString(source["host"]) !== "") errs.push(fieldErrors.invalid("source", "", "needs to be unset"));
  return errs;
}

/** ValidateEventUpdate: legacy checks, plus (strict) series and immutability of everything but series and metadata. */
export function validateEventUpdate(event: KubeObject, old: KubeObject, strict: boolean): FieldError[] {
  const errs = legacyValidateEvent(event);
  if (!strict) return errs;
  if (!semanticEqual(event["series"], old["series"])) errs.push(...validateV1EventSeries(event));
  const immutable: ReadonlyArray<readonly [string, string]> = [
    ["involvedObject", "involvedObject"],
    ["reason", "reason"],
    ["message", "message"],
    ["source", "source"],
    ["firstTimestamp", "firstTimestamp"],
    ["lastTimestamp", "lastTimestamp"],
    ["count", "count"],
    ["reason", "reason"],
    ["type", "type"],
    ["eventTime", "eventTime"],
    ["action", "action"],
    ["related", "related"],
    ["reportingComponent", "reportingController"],
    ["reportingInstance", "reportingInstance"],
  ];
  for (const [field, path] of immutable) errs.push(...validateImmutableField(event[field], old[field], path));
  return errs;
}
