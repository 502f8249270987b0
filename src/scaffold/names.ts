/**
 * Names a scaffold accepts, checked as Kubebuilder checks them, with messages that say what to type instead:
 * the domain and group (DNS subdomain / label), the version (v1, v1beta1, v2alpha3) and the kind (PascalCase).
 */

export class NameError extends Error {
  constructor(
    readonly flag: string,
    message: string,
  ) {
    super(message);
    this.name = "NameError";
  }
}

const dns1123Label = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const dns1123Subdomain = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

export function checkDomain(domain: string): void {
  if (!domain) throw new NameError("--domain", "--domain is required, e.g. --domain example.com (the suffix of your API groups)");
  if (domain.length > 253 || !dns1123Subdomain.test(domain)) {
    throw new NameError("--domain", `--domain "${domain}" is not a DNS subdomain: use lower-case letters, digits, '-' and '.', e.g. --domain example.com`);
  }
}

export function checkGroup(group: string): void {
  if (!group) throw new NameError("--group", "--group is required, e.g. --group webapp");
  if (group.length > 63 || !dns1123Subdomain.test(group)) {
    throw new NameError("--group", `--group "${group}" is not valid: use lower-case letters, digits and '-', e.g. --group webapp`);
  }
}

export function checkVersion(version: string): void {
  if (!version) throw new NameError("--version", "--version is required, e.g. --version v1");
  if (!/^v[1-9][0-9]*((alpha|beta)[1-9][0-9]*)?$/.test(version)) {
    throw new NameError("--version", `--version "${version}" is not a Kubernetes API version: use v1, v1beta1, v2alpha1 and the like`);
  }
}

export function checkKind(kind: string): void {
  if (!kind) throw new NameError("--kind", "--kind is required, e.g. --kind Guestbook");
  if (!/^[A-Z][A-Za-z0-9]*$/.test(kind)) {
    const suggestion = kind.replace(/(^|[-_\s]+)([a-zA-Z])/g, (_m, _s: string, c: string) => c.toUpperCase()).replace(/[^A-Za-z0-9]/g, "");
    throw new NameError("--kind", `--kind "${kind}" must be PascalCase (start with an upper-case letter, letters and digits only)${/^[A-Z]/.test(suggestion) ? `, e.g. --kind ${suggestion}` : ""}`);
  }
  if (kind.length > 63) throw new NameError("--kind", `--kind "${kind}" is longer than 63 characters`);
}

export function checkProjectName(name: string): void {
  if (!dns1123Label.test(name)) {
    throw new NameError("--project-name", `--project-name "${name}" must be a DNS label (lower-case letters, digits and '-'), e.g. --project-name guestbook-operator`);
  }
}

const irregular: Record<string, string> = { person: "people", child: "children", man: "men", woman: "women", mouse: "mice", goose: "geese", index: "indices", matrix: "matrices", vertex: "vertices", ox: "oxen", quiz: "quizzes" };
const invariant = new Set(["sheep", "fish", "deer", "series", "species", "news", "equipment", "information", "data", "metadata", "endpoints"]);

/** The lower-case plural of a kind, as Kubebuilder derives a resource name (flect's English rules). */
export function pluralize(kind: string): string {
  const w = kind.toLowerCase();
  if (invariant.has(w)) return w;
  const exact = irregular[w];
  if (exact) return exact;
  if (/[^aeiou]y$/.test(w)) return `${w.slice(0, -1)}ies`;
  if (/(s|x|z|ch|sh)$/.test(w)) return `${w}es`;
  if (/[^aeiou]o$/.test(w) && !/(photo|piano|halo|memo|repo|video|radio|zoo|logo)$/.test(w)) return `${w}es`;
  if (/(?:[^f]fe|[lr]f)$/.test(w)) return w.replace(/fe?$/, "ves");
  return `${w}s`;
}
