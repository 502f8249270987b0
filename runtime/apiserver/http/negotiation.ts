/**
 * Content negotiation: which representation the client asked for in `Accept` (plain JSON or YAML, a
 * meta.k8s.io Table, PartialObjectMetadata, aggregated discovery), and how to read the request body.
 */
import { newNotAcceptable } from "../../core/errors.js";

export interface MediaRange {
  type: string;
  params: Record<string, string>;
}

/** Splits an Accept header into media ranges in order of preference (q-values respected, stable otherwise). */
export function parseAccept(header: string | undefined): MediaRange[] {
  if (!header) return [{ type: "*/*", params: {} }];
  const ranges = header.split(",").map((part, i) => {
    const [type = "", ...rest] = part.split(";").map((s) => s.trim());
    const params: Record<string, string> = {};
    for (const p of rest) {
      const eq = p.indexOf("=");
      if (eq > 0) params[p.slice(0, eq).trim().toLowerCase()] = p.slice(eq + 1).trim().replace(/^"|"$/g, "");
    }
    const q = params.q !== undefined ? Number(params.q) : 1;
    return { type: type.toLowerCase(), params, q: Number.isFinite(q) ? q : 1, i };
  });
  ranges.sort((a, b) => b.q - a.q || a.i - b.i);
  return ranges.filter((r) => r.q > 0).map(({ type, params }) => ({ type, params }));
}

export type Representation =
  | { kind: "object"; format: "json" | "yaml" }
  | { kind: "table"; version: "v1" | "v1beta1" }
  | { kind: "metadata"; version: "v1" | "v1beta1" };

const jsonTypes = new Set(["application/json", "*/*", "application/*"]);

/** The representation for a resource request; throws 406 NotAcceptable when none can be served. */
export function negotiateResource(accept: string | undefined): Representation {
  for (const r of parseAccept(accept)) {
    const as = r.params.as;
    if (as) {
      if (r.type !== "application/json" || r.params.g !== "meta.k8s.io") continue;
      const v = r.params.v === "v1beta1" ? "v1beta1" : r.params.v === "v1" ? "v1" : undefined;
      if (!v) continue;
      if (as === "Table") return { kind: "table", version: v };
      if (as === "PartialObjectMetadata" || as === "PartialObjectMetadataList") return { kind: "metadata", version: v };
      continue;
    }
    if (jsonTypes.has(r.type)) return { kind: "object", format: "json" };
    if (r.type === "application/yaml") return { kind: "object", format: "yaml" };
  }
  throw newNotAcceptable(["application/json", "application/yaml"]);
}

export type DiscoveryRepresentation = { kind: "aggregated"; version: "v2" | "v2beta1" } | { kind: "legacy" };

/** For /api and /apis: aggregated discovery (apidiscovery.k8s.io v2 / v2beta1) when asked for, else legacy. */
export function negotiateDiscovery(accept: string | undefined): DiscoveryRepresentation {
  for (const r of parseAccept(accept)) {
    if (r.params.as === "APIGroupDiscoveryList" && r.params.g === "apidiscovery.k8s.io" && r.type === "application/json") {
      if (r.params.v === "v2") return { kind: "aggregated", version: "v2" };
      if (r.params.v === "v2beta1") return { kind: "aggregated", version: "v2beta1" };
      continue;
    }
    if (jsonTypes.has(r.type) || r.type === "application/yaml") return { kind: "legacy" };
  }
  return { kind: "legacy" };
}

export type BodyFormat = "json" | "yaml" | "protobuf";

/** Body formats accepted for create/update (protobuf for the built-in kinds typed clients send; see protobuf/). */
export function bodyFormat(contentType: string | undefined): BodyFormat | undefined {
  const t = (contentType ?? "").split(";")[0]?.trim().toLowerCase() ?? "";
  if (t === "application/json" || t === "") return "json";
  if (t === "application/yaml") return "yaml";
  if (t === "application/vnd.kubernetes.protobuf") return "protobuf";
  return undefined;
}

export type PatchType = "json" | "merge" | "strategic" | "apply";

export function patchType(contentType: string | undefined): PatchType | undefined {
  const t = (contentType ?? "").split(";")[0]?.trim().toLowerCase() ?? "";
  switch (t) {
    case "application/json-patch+json":
      return "json";
    case "application/merge-patch+json":
      return "merge";
    case "application/strategic-merge-patch+json":
      return "strategic";
    case "application/apply-patch+yaml":
    case "application/apply-patch+cbor":
      return "apply";
    default:
      return undefined;
  }
}
