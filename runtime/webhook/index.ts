/** `kubeforge/webhook`: admission and conversion webhooks served by a manager. */
export { WebhookServer } from "./server.js";
export type { WebhookServerOptions } from "./server.js";
export { defaultingHandler, validatingHandler } from "./admission.js";
export type { Defaulter, Validator, AdmissionHandler } from "./admission.js";
export { convertReview } from "./conversion.js";
export type { Converter } from "./conversion.js";
export { webhookManagedBy, webhookServerFor, configureWebhookServer, webhookPath, WebhookBuilder } from "./builder.js";
export type { AdmissionReview, AdmissionRequest, AdmissionResponse, ConversionReview } from "./types.js";
