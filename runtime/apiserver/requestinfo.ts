/**
 * Parses an API request path into what it addresses (k8s.io/apiserver's RequestInfoFactory):
 * /api/v1/namespaces/ns/pods/name/status → {group "", version v1, namespace ns, resource pods, name, subresource status}.
 */

export type RequestVerb = "get" | "list" | "watch" | "create" | "update" | "patch" | "delete" | "deletecollection";

export interface RequestInfo {
  /** True for /api/... and /apis/... resource requests. */
  isResourceRequest: boolean;
  /** "api" or "apis" (or "" for non-resource paths). */
  prefix: string;
  group: string;
  version: string;
  namespace: string;
  resource: string;
  subresource: string;
  name: string;
  verb: RequestVerb | "";
  /** Path parts after the group/version, for discovery requests (/apis/G, /apis/G/V). */
  parts: string[];
}

const namespaceSubresources = new Set(["status", "finalize"]);

/** Interprets `method` + `path` (without query) + whether `?watch=true` was set. */
export function parseRequestInfo(method: string, path: string, watchParam: boolean): RequestInfo {
  const info: RequestInfo = {
    isResourceRequest: false,
    prefix: "",
    group: "",
    version: "",
    namespace: "",
    resource: "",
    subresource: "",
    name: "",
    verb: "",
    parts: [],
  };
  const segs = path.split("/").filter((s) => s.length > 0).map(safeDecode);
  const prefix = segs[0];
  if (prefix !== "api" && prefix !== "apis") return info;
  info.prefix = prefix;
  let rest = segs.slice(1);
  if (prefix === "apis") {
    if (rest.length === 0) return info;
    info.group = rest[0] ?? "";
    rest = rest.slice(1);
  }
  if (rest.length === 0) {
    info.parts = rest;
    return info;
  }
  info.version = rest[0] ?? "";
  rest = rest.slice(1);
  info.parts = rest;
  if (rest.length === 0) return info;

  let isWatchPath = false;
  if (rest[0] === "watch") {
    isWatchPath = true;
    rest = rest.slice(1);
    if (rest.length === 0) return info;
  }

  if (rest[0] === "namespaces" && rest.length > 1) {
    info.namespace = rest[1] ?? "";
    if (rest.length > 2 && !namespaceSubresources.has(rest[2] ?? "")) rest = rest.slice(2);
  }
  info.resource = rest[0] ?? "";
  info.name = rest[1] ?? "";
  info.subresource = rest[2] ?? "";
  if (rest.length > 3) return { ...info, resource: "" };
  info.isResourceRequest = true;

  switch (method) {
    case "GET":
    case "HEAD":
      if (isWatchPath || watchParam) info.verb = "watch";
      else info.verb = info.name ? "get" : "list";
      break;
    case "POST":
      info.verb = "create";
      break;
    case "PUT":
      info.verb = "update";
      break;
    case "PATCH":
      info.verb = "patch";
      break;
    case "DELETE":
      info.verb = info.name ? "delete" : "deletecollection";
      break;
    default:
      info.verb = "";
  }
  return info;
}

function safeDecode(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}
