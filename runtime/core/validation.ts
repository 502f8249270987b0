/**
 * Field paths and field errors (k8s.io/apimachinery/pkg/util/validation/field) and the name/label validators
 * kube-apiserver applies everywhere, with upstream's wording so that messages read the same as on a real cluster.
 */

/** An immutable path into an object: `spec.containers[0].name`, `metadata.labels[app]`. */
export class FieldPath {
  private constructor(private readonly parts: readonly string[]) {}

  static root(name?: string): FieldPath {
    return new FieldPath(name ? [name] : []);
  }

  /** A path from dotted names: `FieldPath.of("metadata", "name")`. */
  static of(...names: string[]): FieldPath {
    return new FieldPath(names);
  }

  child(...names: string[]): FieldPath {
    return new FieldPath([...this.parts, ...names]);
  }

  index(i: number): FieldPath {
    return this.suffix(`[${i}]`);
  }

  key(k: string): FieldPath {
    return this.suffix(`[${k}]`);
  }

  private suffix(s: string): FieldPath {
    if (this.parts.length === 0) return new FieldPath([s]);
    const parts = [...this.parts];
    parts[parts.length - 1] = `${parts[parts.length - 1] ?? ""}${s}`;
    return new FieldPath(parts);
  }

  toString(): string {
    return this.parts.join(".");
  }
}

export type FieldErrorType =
  | "FieldValueNotFound"
  | "FieldValueRequired"
  | "FieldValueDuplicate"
  | "FieldValueInvalid"
  | "FieldValueNotSupported"
  | "FieldValueForbidden"
  | "FieldValueTooLong"
  | "FieldValueTooMany"
  | "InternalError"
  | "FieldValueTypeInvalid";

const typeText: Record<FieldErrorType, string> = {
  FieldValueNotFound: "Not found",
  FieldValueRequired: "Required value",
  FieldValueDuplicate: "Duplicate value",
  FieldValueInvalid: "Invalid value",
  FieldValueNotSupported: "Unsupported value",
  FieldValueForbidden: "Forbidden",
  FieldValueTooLong: "Too long",
  FieldValueTooMany: "Too many",
  InternalError: "Internal error",
  FieldValueTypeInvalid: "Invalid value",
};

const omitsValue = new Set<FieldErrorType>(["FieldValueRequired", "FieldValueForbidden", "FieldValueTooLong", "FieldValueTooMany", "InternalError"]);

/** One validation failure at a field path. */
export interface FieldError {
  readonly type: FieldErrorType;
  readonly field: string;
  readonly badValue?: unknown;
  readonly detail: string;
}

function formatValue(v: unknown): string {
  if (typeof v === "string") return JSON.stringify(v);
  if (v === undefined || v === null) return "null";
  if (typeof v === "number" || typeof v === "boolean" || typeof v === "bigint") return String(v);
  return JSON.stringify(v);
}

/** The error without its field: `Invalid value: "x": detail` (metav1.StatusCause.message). */
export function fieldErrorBody(e: FieldError): string {
  let s = typeText[e.type];
  if (!omitsValue.has(e.type) && !(e.type === "FieldValueNotSupported" && e.badValue === undefined)) {
    s += `: ${formatValue(e.badValue)}`;
  }
  if (e.detail) s += `: ${e.detail}`;
  return s;
}

/** `field: Invalid value: "x": detail`. */
export function fieldErrorString(e: FieldError): string {
  return e.field ? `${e.field}: ${fieldErrorBody(e)}` : fieldErrorBody(e);
}

function mk(type: FieldErrorType, path: FieldPath | string, badValue: unknown, detail: string): FieldError {
  return { type, field: path.toString(), badValue, detail };
}

export const fieldErrors = {
  required: (p: FieldPath | string, detail = ""): FieldError => mk("FieldValueRequired", p, "", detail),
  invalid: (p: FieldPath | string, value: unknown, detail: string): FieldError => mk("FieldValueInvalid", p, value, detail),
  duplicate: (p: FieldPath | string, value: unknown): FieldError => mk("FieldValueDuplicate", p, value, ""),
  notFound: (p: FieldPath | string, value: unknown): FieldError => mk("FieldValueNotFound", p, value, ""),
  forbidden: (p: FieldPath | string, detail: string): FieldError => mk("FieldValueForbidden", p, "", detail),
  tooLong: (p: FieldPath | string, value: unknown, max: number): FieldError =>
    mk("FieldValueTooLong", p, value, `must have at most ${max} bytes`),
  tooMany: (p: FieldPath | string, actual: number, max: number): FieldError =>
    mk("FieldValueTooMany", p, actual, `must have at most ${max} items`),
  internal: (p: FieldPath | string, err: Error): FieldError => mk("InternalError", p, undefined, err.message),
  typeInvalid: (p: FieldPath | string, value: unknown, detail: string): FieldError => mk("FieldValueTypeInvalid", p, value, detail),
  notSupported: (p: FieldPath | string, value: unknown, valid: readonly string[]): FieldError =>
    mk("FieldValueNotSupported", p, value, valid.length ? `supported values: ${valid.map((v) => JSON.stringify(v)).join(", ")}` : ""),
};

// ---- name and label validators (k8s.io/apimachinery/pkg/util/validation) ----

const dns1123LabelFmt = "[a-z0-9]([-a-z0-9]*[a-z0-9])?";
const dns1123SubdomainFmt = `${dns1123LabelFmt}(\\.${dns1123LabelFmt})*`;
const dns1123LabelRe = new RegExp(`^${dns1123LabelFmt}$`);
const dns1123SubdomainRe = new RegExp(`^${dns1123SubdomainFmt}$`);
const dns1035LabelFmt = "[a-z]([-a-z0-9]*[a-z0-9])?";
const dns1035LabelRe = new RegExp(`^${dns1035LabelFmt}$`);
const qualifiedNameFmt = "([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]";
const qualifiedNameRe = new RegExp(`^${qualifiedNameFmt}$`);
const labelValueRe = new RegExp(`^(${qualifiedNameFmt})?$`);

/** Upstream's RegexError wording, down to its separators: "(e.g. 'a',  or 'b', regex used for validation is '...')". */
export function regexError(msg: string, fmt: string, ...examples: string[]): string {
  if (examples.length === 0) return `${msg} (regex used for validation is '${fmt}')`;
  return `${msg} (e.g. ${examples.map((e) => `'${e}', `).join(" or ")}regex used for validation is '${fmt}')`;
}

export const DNS1123LabelMaxLength = 63;
export const DNS1123SubdomainMaxLength = 253;

/** Messages for a value that is not an RFC 1123 label (namespace names, service names, ...). */
export function isDNS1123Label(value: string): string[] {
  const errs: string[] = [];
  if (value.length > DNS1123LabelMaxLength) errs.push(`must be no more than ${DNS1123LabelMaxLength} characters`);
  if (!dns1123LabelRe.test(value)) {
    errs.push(regexError("a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character", dns1123LabelFmt, "my-name", "123-abc"));
  }
  return errs;
}

/** Messages for a value that is not an RFC 1123 subdomain (most object names). */
export function isDNS1123Subdomain(value: string): string[] {
  const errs: string[] = [];
  if (value.length > DNS1123SubdomainMaxLength) errs.push(`must be no more than ${DNS1123SubdomainMaxLength} characters`);
  if (!dns1123SubdomainRe.test(value)) {
    errs.push(regexError("a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character", dns1123SubdomainFmt, "example.com"));
  }
  return errs;
}

/** Messages for a value that is not an RFC 1035 label (service names). */
export function isDNS1035Label(value: string): string[] {
  const errs: string[] = [];
  if (value.length > DNS1123LabelMaxLength) errs.push(`must be no more than ${DNS1123LabelMaxLength} characters`);
  if (!dns1035LabelRe.test(value)) {
    errs.push(regexError("a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric character", dns1035LabelFmt, "my-name", "abc-123"));
  }
  return errs;
}

/** Messages for a label key / annotation key: an optional DNS subdomain prefix and a name of at most 63 characters. */
export function isQualifiedName(value: string): string[] {
  const errs: string[] = [];
  const parts = value.split("/");
  let name: string;
  if (parts.length === 1) {
    name = parts[0] ?? "";
  } else if (parts.length === 2) {
    const prefix = parts[0] ?? "";
    name = parts[1] ?? "";
    if (prefix.length === 0) errs.push("prefix part must be non-empty");
    else for (const m of isDNS1123Subdomain(prefix)) errs.push(`prefix part ${m}`);
  } else {
    return [
      `a qualified name ${regexError("must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character", qualifiedNameFmt, "MyName", "my.name", "123-abc")} with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')`,
    ];
  }
  if (name.length === 0) errs.push("name part must be non-empty");
  else if (name.length > 63) errs.push("name part must be no more than 63 characters");
  if (!qualifiedNameRe.test(name)) {
    errs.push(`name part ${regexError("must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character", qualifiedNameFmt, "MyName", "my.name", "123-abc")}`);
  }
  return errs;
}

/** Messages for a label value: empty, or at most 63 characters of [A-Za-z0-9-_.] starting and ending alphanumeric. */
export function isValidLabelValue(value: string): string[] {
  const errs: string[] = [];
  if (value.length > 63) errs.push("must be no more than 63 characters");
  if (!labelValueRe.test(value)) {
    errs.push(regexError("a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character", `(${qualifiedNameFmt})?`, "MyValue", "my_value", "12345"));
  }
  return errs;
}

/** Validates a map of labels at `path` (metadata.labels, spec.selector, ...). */
export function validateLabels(labels: Record<string, string> | undefined, path: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  for (const [k, v] of Object.entries(labels ?? {})) {
    for (const m of isQualifiedName(k)) errs.push(fieldErrors.invalid(path, k, m));
    if (typeof v !== "string") {
      errs.push(fieldErrors.typeInvalid(path.key(k), v, "must be a string"));
      continue;
    }
    for (const m of isValidLabelValue(v)) errs.push(fieldErrors.invalid(path.key(k), v, m));
  }
  return errs;
}

const totalAnnotationSizeLimitB = 256 * 1024;

/** Validates annotation keys and their total size (256 KiB). */
export function validateAnnotations(annotations: Record<string, string> | undefined, path: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  let total = 0;
  for (const [k, v] of Object.entries(annotations ?? {})) {
    for (const m of isQualifiedName(k.toLowerCase())) errs.push(fieldErrors.invalid(path, k, m));
    if (typeof v !== "string") errs.push(fieldErrors.typeInvalid(path.key(k), v, "must be a string"));
    total += k.length + (typeof v === "string" ? v.length : 0);
  }
  if (total > totalAnnotationSizeLimitB) errs.push(fieldErrors.tooLong(path, "", totalAnnotationSizeLimitB));
  return errs;
}

/** A name validator: returns upstream messages for an invalid name (empty when valid). */
export type NameValidator = (name: string, prefix: boolean) => string[];

/** Object names that must be DNS subdomains (ConfigMap, Secret, Deployment, ...). With prefix=true (generateName) a trailing '-' is allowed. */
export const nameIsDNSSubdomain: NameValidator = (name, prefix) => isDNS1123Subdomain(prefix ? maskTrailingDash(name) : name);
/** Object names that must be DNS labels (Namespace, ...). */
export const nameIsDNSLabel: NameValidator = (name, prefix) => isDNS1123Label(prefix ? maskTrailingDash(name) : name);
/** Object names that must be DNS-1035 labels (Service). */
export const nameIsDNS1035Label: NameValidator = (name, prefix) => isDNS1035Label(prefix ? maskTrailingDash(name) : name);

/** Path segment names (RBAC objects): anything without '/', '%' and not '.' or '..'. */
export const nameIsPathSegment: NameValidator = (name) => {
  if (name === "." || name === "..") return [`may not be '${name}'`];
  const errs: string[] = [];
  for (const bad of ["/", "%"]) if (name.includes(bad)) errs.push(`may not contain '${bad}'`);
  return errs;
};

function maskTrailingDash(name: string): string {
  return name.length > 1 && name.endsWith("-") ? `${name.slice(0, -2)}a` : name;
}
