/**
 * events.k8s.io/v1 Event, served from the same storage as core/v1 Event (storageName "/events"; the storage
 * holds core/v1-shaped objects and `conversion` maps between the two shapes). Requests through this group get
 * upstream's strict validation (ValidateEventCreate / ValidateEventUpdate for events.k8s.io/v1).
 *
 * The strategy hooks and the table accept either shape, so the registry may run them before or after
 * `conversion.toStorage`.
 */
import type { PatchMeta } from "../../../apiserver/patch/meta.js";
import type { ResourceDefinition } from "../../../apiserver/resource.js";
import type { KubeObject } from "../../../core/object.js";
import { asRecord, asString } from "../common/apps-shared.js";
import { objectMetaPatchMeta } from "../common/podtemplate.js";
import { asCoreEvent, eventsV1Conversion } from "./conversion.js";
import { eventTable } from "./table.js";
import { validateEventCreate, validateEventUpdate } from "./validation.js";

/** The storage shared with core/v1 events. */
export const eventsStorageName = "/events";

/**
 * Field selectors of events.k8s.io/v1 (upstream's field label conversion maps them onto the core fields):
 * regarding.*, reason, reportingController, type.
 */
export function eventV1SelectableFields(obj: KubeObject): Record<string, string> {
  const ev = asCoreEvent(obj);
  const involved = asRecord(ev["involvedObject"]) ?? {};
  const out: Record<string, string> = {};
  for (const f of ["kind", "namespace", "name", "uid", "apiVersion", "resourceVersion", "fieldPath"]) {
    out[`regarding.${f}`] = asString(involved[f]);
  }
  out["reason"] = asString(ev["reason"]);
  out["reportingController"] = asString(ev["reportingComponent"]);
  out["type"] = asString(ev["type"]);
  return out;
}

export const eventV1PatchMeta: PatchMeta = { fields: { metadata: objectMetaPatchMeta } };

export const eventV1Resource: ResourceDefinition = {
  group: "events.k8s.io",
  version: "v1",
  names: { plural: "events", singular: "event", kind: "Event", listKind: "EventList", shortNames: ["ev"] },
  namespaced: true,
  storageName: eventsStorageName,
  conversion: eventsV1Conversion,
  strategy: {
    validate: (obj) => validateEventCreate(asCoreEvent(obj), true),
    validateUpdate: (obj, old) => validateEventUpdate(asCoreEvent(obj), asCoreEvent(old), true),
  },
  table: eventTable,
  selectableFields: eventV1SelectableFields,
  patchMeta: eventV1PatchMeta,
};
