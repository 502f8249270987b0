/**
 * `runtime/events`: an events.k8s.io/v1 event recorder with series aggregation and a per-object spam filter
 * (client-go's tools/events, simplified).
 */
export { EventRecorder, referenceTo, microTime, maxNoteBytes, maxReasonBytes, maxActionBytes } from "./recorder.js";
export type { EventType, ObjectReference, EventSeries, EventV1, EventLogger, EventRecorderOptions, EventRecorderStats } from "./recorder.js";
