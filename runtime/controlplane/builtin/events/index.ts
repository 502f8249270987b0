/** events.k8s.io/v1 built-in resources. */
import type { ResourceDefinition } from "../../../apiserver/resource.js";
import { eventV1Resource } from "./event.js";

export { eventV1Resource, eventsStorageName, eventV1SelectableFields } from "./event.js";
export { asCoreEvent, coreEventToV1, eventV1ToCore, eventsV1Conversion, isEventsV1Shape } from "./conversion.js";
export { eventTable, formatEventSource } from "./table.js";
export { legacyValidateEvent, validateEventCreate, validateEventUpdate } from "./validation.js";

export const eventsResources: readonly ResourceDefinition[] = [eventV1Resource];
