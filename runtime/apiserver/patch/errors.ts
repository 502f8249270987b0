/**
 * Errors from applying a patch, classified the way kube-apiserver's PATCH handler
 * (k8s.io/apiserver/pkg/endpoints/handlers/patch.go) turns them into responses:
 *
 * - "BadRequest" (400): the patch document cannot be decoded (a JSON patch that is not a list of operations, a merge
 *   patch that is not an object, a strategic patch that is not an object) or uses a malformed strategic directive
 *   ($retainKeys, $deleteFromPrimitiveList, $setElementOrder). Message: the library error itself.
 * - "Invalid" (422): a JSON patch that does not apply (missing path, failed test, bad index, unknown op) and a strategic
 *   patch with a list of lists. Upstream answers errors.NewGenericServerResponse(422, ...): reason Invalid and the fixed
 *   message "the server rejected our request due to an error in our request", without the library error (kept here
 *   in `detail`).
 * - "RequestEntityTooLarge" (413): a JSON patch with more than 10000 operations.
 * - "InternalError" (500): every other strategic merge patch failure (missing merge key, unknown $patch value, ...).
 *   Upstream returns these as plain errors, which become a Status with code 500, no reason and the raw message
 *   (kubectl prints "Error from server: map: map[...] does not contain declared merge key: name").
 */
import { StatusError } from "../../core/errors.js";
import type { Status } from "../../core/status.js";

export type PatchErrorKind = "BadRequest" | "Invalid" | "RequestEntityTooLarge" | "InternalError";

const CODES: Record<PatchErrorKind, number> = {
  BadRequest: 400,
  Invalid: 422,
  RequestEntityTooLarge: 413,
  InternalError: 500,
};

/** The message errors.NewGenericServerResponse gives a 422. */
export const GENERIC_INVALID_MESSAGE = "the server rejected our request due to an error in our request";

export class PatchError extends Error {
  readonly kind: PatchErrorKind;
  /** The HTTP status code upstream answers with. */
  readonly code: number;
  /** The upstream library's own error text (evanphx/json-patch, strategicpatch). Same as `message`. */
  readonly detail: string;

  constructor(kind: PatchErrorKind, detail: string) {
    super(detail);
    this.name = "PatchError";
    this.kind = kind;
    this.code = CODES[kind];
    this.detail = detail;
  }

  /** The metav1.Status kube-apiserver sends for this error. */
  toStatus(): Status {
    const base = { kind: "Status", apiVersion: "v1", metadata: {}, status: "Failure" } as const;
    switch (this.kind) {
      case "BadRequest":
        return { ...base, message: this.detail, reason: "BadRequest", code: 400 };
      case "Invalid":
        return { ...base, message: GENERIC_INVALID_MESSAGE, reason: "Invalid", details: {}, code: 422 };
      case "RequestEntityTooLarge":
        return { ...base, message: `Request entity too large: ${this.detail}`, reason: "RequestEntityTooLarge", code: 413 };
      case "InternalError":
        return { ...base, message: this.detail, code: 500 };
    }
  }

  /** The same response as a core StatusError, for code paths that already handle those. */
  toStatusError(): StatusError {
    return new StatusError(this.toStatus(), { cause: this });
  }
}

export function isPatchError(err: unknown): err is PatchError {
  return err instanceof PatchError;
}
