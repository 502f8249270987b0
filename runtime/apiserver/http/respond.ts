/** Writing responses: objects as JSON or YAML, Status errors, and Warning headers. */
import type { ServerResponse } from "node:http";
import { stringify } from "yaml";
import { toStatusError } from "../../core/errors.js";

export function setWarnings(res: ServerResponse, warnings: readonly string[]): void {
  if (warnings.length === 0 || res.headersSent) return;
  res.setHeader(
    "Warning",
    warnings.map((w) => `299 - ${JSON.stringify(w)}`),
  );
}

/** Sends `body` with `code` as JSON (or YAML); `contentType` overrides the media type. */
export function sendObject(res: ServerResponse, code: number, body: unknown, format: "json" | "yaml" = "json", contentType?: string): void {
  if (res.headersSent) {
    res.end();
    return;
  }
  const text = format === "yaml" ? stringify(body) : JSON.stringify(body);
  res.statusCode = code;
  res.setHeader("Content-Type", contentType ?? (format === "yaml" ? "application/yaml" : "application/json"));
  res.setHeader("Cache-Control", "no-cache, private");
  res.setHeader("Content-Length", Buffer.byteLength(text));
  res.end(text);
}

/** Sends any error as a metav1.Status with its code. */
export function sendError(res: ServerResponse, err: unknown): void {
  const se = toStatusError(err);
  if (se.code >= 500 && se.reason === "InternalError") {
    process.emitWarning(`kubeforge apiserver: internal error: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
  }
  const retry = se.status.details?.retryAfterSeconds;
  if (retry && !res.headersSent) res.setHeader("Retry-After", String(retry));
  sendObject(res, se.code, se.status);
}
