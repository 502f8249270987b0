/**
 * Validation of a webhook's client configuration (k8s.io/apiserver/pkg/util/webhook ValidateWebhookURL /
 * ValidateWebhookService) and of its review versions, shared by CRD conversion webhooks and admission webhook
 * configurations.
 */
import { isPlainObject } from "../core/object.js";
import { fieldErrors, type FieldPath, isDNS1035Label, isDNS1123Subdomain, type FieldError } from "../core/validation.js";

export interface WebhookClientConfigLike {
  url?: string;
  service?: { namespace: string; name: string; path?: string; port?: number };
  caBundle?: string;
}

/** webhook.ValidateWebhookURL with https forced. */
function validateWebhookURL(raw: string, path: FieldPath): FieldError[] {
  const form = "; desired format: https://host[/path]";
  let u: URL;
  try {
    u = new URL(raw);
  } catch (err) {
    return [fieldErrors.required(path, `url must be a valid URL: ${err instanceof Error ? err.message : String(err)}${form}`)];
  }
  const errs: FieldError[] = [];
  const scheme = u.protocol.replace(/:$/, "");
  if (scheme !== "https") errs.push(fieldErrors.invalid(path, scheme, `'https' is the only allowed URL scheme${form}`));
  if (!u.host) errs.push(fieldErrors.invalid(path, u.host, `host must be specified${form}`));
  if (u.username || u.password) errs.push(fieldErrors.invalid(path, u.password ? `${u.username}:${u.password}` : u.username, "user information is not permitted in the URL"));
  if (u.hash) errs.push(fieldErrors.invalid(path, u.hash.slice(1), "fragments are not permitted in the URL"));
  if (u.search) errs.push(fieldErrors.invalid(path, u.search.slice(1), "query parameters are not permitted in the URL"));
  return errs;
}

/** webhook.ValidateWebhookService. */
function validateWebhookService(svc: Record<string, unknown>, path: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  const name = typeof svc["name"] === "string" ? svc["name"] : "";
  const namespace = typeof svc["namespace"] === "string" ? svc["namespace"] : "";
  if (!name) errs.push(fieldErrors.required(path.child("name"), "service name is required"));
  if (!namespace) errs.push(fieldErrors.required(path.child("namespace"), "service namespace is required"));
  const port = svc["port"];
  if (typeof port !== "number" || !Number.isInteger(port) || port < 1 || port > 65535) {
    errs.push(fieldErrors.invalid(path.child("port"), port, "port is not valid: must be between 1 and 65535, inclusive"));
  }
  const p = svc["path"];
  if (typeof p !== "string" || p === "" || p === "/") return errs;
  const pp = path.child("path");
  if (p === "//") {
    errs.push(fieldErrors.invalid(pp, p, "segment[0] may not be empty"));
    return errs;
  }
  if (!p.startsWith("/")) errs.push(fieldErrors.invalid(pp, p, "must start with a '/'"));
  let check = p.slice(1);
  if (check.endsWith("/")) check = check.slice(0, -1);
  check.split("/").forEach((step, i) => {
    if (step === "") {
      errs.push(fieldErrors.invalid(pp, p, `segment[${i}] may not be empty`));
      return;
    }
    for (const m of isDNS1123Subdomain(step)) errs.push(fieldErrors.invalid(pp, p, `segment[${i}]: ${m}`));
  });
  return errs;
}

/** Exactly one of url (https, no user info, query or fragment) and service (name, namespace, port, path segments). */
export function validateWebhookClientConfig(cc: WebhookClientConfigLike | undefined, path: FieldPath): FieldError[] {
  const c = isPlainObject(cc) ? cc : {};
  const hasURL = c.url !== undefined && c.url !== null;
  const hasService = c.service !== undefined && c.service !== null;
  if (hasURL === hasService) return [fieldErrors.required(path, "exactly one of url or service is required")];
  if (hasURL) return validateWebhookURL(String(c.url), path.child("url"));
  return validateWebhookService(isPlainObject(c.service) ? c.service : {}, path.child("service"));
}

/** validateAdmissionReviewVersions / validateConversionReviewVersions (a recognised version required). */
export function validateReviewVersions(versions: readonly string[], accepted: readonly string[], path: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  if (versions.length === 0) return [fieldErrors.required(path, `must specify one of ${accepted.join(", ")}`)];
  const seen = new Set<string>();
  let recognised = false;
  versions.forEach((v, i) => {
    if (seen.has(v)) {
      errs.push(fieldErrors.invalid(path.index(i), v, "duplicate version"));
      return;
    }
    seen.add(v);
    for (const m of isDNS1035Label(v)) errs.push(fieldErrors.invalid(path.index(i), v, m));
    if (accepted.includes(v)) recognised = true;
  });
  if (!recognised) errs.push(fieldErrors.invalid(path, versions, `must include at least one of ${accepted.join(", ")}`));
  return errs;
}

