/**
 * The numeric Versioner: resourceVersions are the decimal form of a backend revision (etcd's mod_revision),
 * exactly as kube-apiserver's APIObjectVersioner treats them.
 */
import { newBadRequest } from "../core/errors.js";
import type { Versioner } from "./interface.js";

const DIGITS = /^[0-9]+$/;

/**
 * Parses and formats decimal revisions. `parse("")` and `parse(undefined)` are 0; anything that is not a
 * non-negative integer is a 400 BadRequest worded as kube-apiserver words it
 * (`invalid resource version: resourceVersion: Invalid value: "abc": strconv.ParseUint: parsing "abc": invalid syntax`).
 */
export class NumericVersioner implements Versioner {
  parse(resourceVersion: string | undefined): number {
    if (resourceVersion === undefined || resourceVersion === "") return 0;
    if (!DIGITS.test(resourceVersion)) throw invalid(resourceVersion, "invalid syntax");
    const n = Number(resourceVersion);
    // Revisions beyond 2^53 cannot be represented exactly; no backend gets there.
    if (!Number.isSafeInteger(n)) throw invalid(resourceVersion, "value out of range");
    return n;
  }

  format(revision: number): string {
    return String(revision);
  }
}

function invalid(rv: string, why: string) {
  return newBadRequest(`invalid resource version: resourceVersion: Invalid value: ${JSON.stringify(rv)}: strconv.ParseUint: parsing ${JSON.stringify(rv)}: ${why}`);
}

/** The shared stateless instance. */
export const numericVersioner: Versioner = new NumericVersioner();
