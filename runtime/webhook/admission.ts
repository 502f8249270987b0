/**
 * Admission handlers from a kind's Defaulter and Validator (controller-runtime's CustomDefaulter /
 * CustomValidator): the defaulter's changes are answered as a JSON patch; a validator's error denies the
 * request with its Status (a StatusError) or as 403 Forbidden with the error's message; warnings pass through.
 */
import jsonpatch from "fast-json-patch";
import { StatusError } from "../core/errors.js";
import type { KubeObject } from "../core/object.js";
import type { AdmissionRequest, AdmissionResponse } from "./types.js";

export interface Defaulter<T extends KubeObject = KubeObject> {
  /** Sets defaults on `obj` in place (CREATE and UPDATE). */
  default(obj: T, req: AdmissionRequest): void | Promise<void>;
}

export interface Validator<T extends KubeObject = KubeObject> {
  /** Throw to reject; return warnings to accept with warnings. */
  validateCreate?(obj: T, req: AdmissionRequest): string[] | void | Promise<string[] | void>;
  validateUpdate?(oldObj: T, obj: T, req: AdmissionRequest): string[] | void | Promise<string[] | void>;
  validateDelete?(obj: T, req: AdmissionRequest): string[] | void | Promise<string[] | void>;
}

export type AdmissionHandler = (req: AdmissionRequest) => Promise<AdmissionResponse>;

function denied(uid: string, err: unknown): AdmissionResponse {
  if (err instanceof StatusError) {
    const s = err.status;
    return { uid, allowed: false, status: { code: s.code, reason: s.reason, message: s.message, ...(s.details ? { details: s.details } : {}) } };
  }
  const message = err instanceof Error ? err.message : String(err);
  return { uid, allowed: false, status: { code: 403, reason: "Forbidden", message } };
}

export function defaultingHandler<T extends KubeObject>(defaulter: Defaulter<T>): AdmissionHandler {
  return async (req) => {
    if (!req.object) return { uid: req.uid, allowed: true };
    const original = req.object as T;
    const obj = structuredClone(original);
    try {
      await defaulter.default(obj, req);
    } catch (err) {
      return denied(req.uid, err);
    }
    const ops = jsonpatch.compare(original, obj);
    if (ops.length === 0) return { uid: req.uid, allowed: true };
    return { uid: req.uid, allowed: true, patchType: "JSONPatch", patch: Buffer.from(JSON.stringify(ops)).toString("base64") };
  };
}

export function validatingHandler<T extends KubeObject>(validator: Validator<T>): AdmissionHandler {
  return async (req) => {
    let warnings: string[] | void = undefined;
    try {
      if (req.operation === "CREATE" && validator.validateCreate) warnings = await validator.validateCreate(req.object as T, req);
      else if (req.operation === "UPDATE" && validator.validateUpdate) warnings = await validator.validateUpdate(req.oldObject as T, req.object as T, req);
      else if (req.operation === "DELETE" && validator.validateDelete) warnings = await validator.validateDelete(req.oldObject as T, req);
    } catch (err) {
      return denied(req.uid, err);
    }
    return { uid: req.uid, allowed: true, ...(warnings && warnings.length > 0 ? { warnings } : {}) };
  };
}
