/** Calling webhooks from the control plane: the HTTPS client and service resolution. */
export { postJSON, formatGoDuration, WebhookCallError, type WebhookEndpoint } from "./client.js";
export { caBundlePEM, EndpointsServiceResolver, webhookEndpoint, type ClientConfig, type ServiceResolver } from "./resolve.js";
export { installWebhooks, type WebhookRuntime } from "./install.js";
