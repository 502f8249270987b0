/** `kubeforge create api`: adds a kind (types, controller, manifests) to the project in the current directory. */
import { existsSync } from "node:fs";
import { join, resolve } from "node:path";
import ApiGenerator from "../../generators/api/index.js";
import WebhookGenerator from "../../generators/webhook/index.js";
import { apiLayout } from "../scaffold/layout.js";
import { checkVersion, NameError, pluralize } from "../scaffold/names.js";
import { runGenerator } from "../scaffold/run.js";
import { UsageError } from "./errors.js";
import { parseFlags } from "./flags.js";
import { apiFlags, loadProject } from "./project.js";

export const createApiUsage = `Usage: kubeforge create api --group GROUP --version VERSION --kind KIND [options]

Adds an API (a kind's types with markers, a sample, roles) and its controller (with a test against a local
control plane) to the project in the current directory.

Options:
  --group GROUP          API group, without the project's domain, e.g. webapp
  --version VERSION      API version, e.g. v1, v1beta1
  --kind KIND            kind, PascalCase, e.g. Guestbook
  --plural PLURAL        resource name (default: the kind's lower-case English plural)
  --namespaced=false     a cluster-scoped kind (default: the project's setting, namespaced)
  --resource=false       do not scaffold the types
  --controller=false     do not scaffold the controller
  --aggregated           serve the kind from the project's own aggregated API server (src/apiserver, behind
                         an APIService) instead of a CRD; no controller; "kubeforge run" starts the server
  --force                overwrite files that exist
  -h, --help             show this help
`;

export const createWebhookUsage = `Usage: kubeforge create webhook --group GROUP --version VERSION --kind KIND [--defaulting] [--programmatic-validation] [--conversion --spoke VERSION[,VERSION]]

Adds webhooks for an existing API: a defaulter, a validator and/or a conversion (the given version is the hub,
--spoke names the other versions), with +kubebuilder:webhook markers, the webhook/cert-manager layers and
the wiring in src/main.ts. "kubeforge run" serves them against a local control plane without cert-manager.

Options:
  --group GROUP, --version VERSION, --kind KIND   the API (created before with "kubeforge create api")
  --defaulting                 a mutating webhook that sets defaults
  --programmatic-validation    a validating webhook
  --conversion                 a conversion webhook (needs --spoke)
  --spoke VERSION[,VERSION]    the versions converted to and from this hub version
  --force                      overwrite the webhook file if it exists
  -h, --help                   show this help
`;

export const createUsage = `Usage: kubeforge create <api|webhook> [options]

Commands:
  api        add an API and its controller (see: kubeforge create api --help)
  webhook    add webhooks for an API (see: kubeforge create webhook --help)
`;

export async function createCommand(args: string[], cwd = process.cwd()): Promise<number> {
  const [sub, ...rest] = args;
  if (sub === undefined || sub === "-h" || sub === "--help") {
    process.stdout.write(createUsage);
    return sub === undefined ? 2 : 0;
  }
  if (sub === "webhook") return createWebhook(rest, cwd);
  if (sub !== "api") throw new UsageError(`unknown create command "${sub}"\n\n${createUsage}`);
  return createApi(rest, cwd);
}

async function createApi(args: string[], cwd: string): Promise<number> {
  const { flags, positionals, help } = parseFlags(
    args,
    { group: "string", version: "string", kind: "string", plural: "string", namespaced: "boolean", resource: "boolean", controller: "boolean", force: "boolean", aggregated: "boolean" },
    createApiUsage,
  );
  if (help) {
    process.stdout.write(createApiUsage);
    return 0;
  }
  if (positionals.length > 0) throw new UsageError(`unexpected argument "${positionals[0]}"\n\n${createApiUsage}`);
  if (flags.aggregated) return (await import("./aggregated.js")).createAggregatedApi(flags, cwd);
  const { group, version, kind } = apiFlags(flags);
  const plural = flags.plural ?? pluralize(kind);
  if (!/^[a-z][a-z0-9-]*$/.test(plural)) throw new UsageError(`--plural "${plural}" must be lower-case letters, digits and '-', e.g. --plural ${pluralize(kind)}`);
  const dir = resolve(cwd);
  const project = await loadProject(dir);
  const resource = flags.resource ?? true;
  const controller = flags.controller ?? true;
  if (!resource && !controller) throw new UsageError("--resource=false and --controller=false together leave nothing to create");
  const force = flags.force ?? false;
  const layout = apiLayout(project, { group, version, kind });
  if (!force) {
    const known = (project.resources ?? []).find((r) => r.group === group && r.version === version && r.kind === kind);
    const existing = [...(resource ? [layout.typesFile] : []), ...(controller ? [layout.controllerFile] : [])].filter((f) => existsSync(join(dir, f)));
    if (known || existing.length > 0) {
      throw new UsageError(`API ${group}/${version}, Kind=${kind} already exists${existing.length > 0 ? ` (${existing.join(", ")})` : " in PROJECT"}; pass --force to overwrite it`, 1);
    }
  }
  if (!project.multigroup && (project.resources ?? []).some((r) => r.group !== group)) {
    const other = (project.resources ?? []).find((r) => r.group !== group);
    throw new UsageError(`this project is single-group (group "${other?.group}"); run "kubeforge edit --multigroup" to add APIs in other groups`, 1);
  }
  if (resource) (await import("./aggregated.js")).checkCRDGroup(project, group);
  await runGenerator(ApiGenerator, dir, { project, group, version, kind, plural, namespaced: flags.namespaced ?? project.namespaced ?? true, resource, controller, force });
  process.stdout.write(`\nNext: edit ${resource ? layout.typesFile : layout.controllerFile}, then "npm run manifests" and "npm test".\n`);
  return 0;
}

async function createWebhook(args: string[], cwd: string): Promise<number> {
  const { flags, positionals, help } = parseFlags(
    args,
    { group: "string", version: "string", kind: "string", defaulting: "boolean", "programmatic-validation": "boolean", conversion: "boolean", spoke: "string", force: "boolean" },
    createWebhookUsage,
  );
  if (help) {
    process.stdout.write(createWebhookUsage);
    return 0;
  }
  if (positionals.length > 0) throw new UsageError(`unexpected argument "${positionals[0]}"\n\n${createWebhookUsage}`);
  const { group, version, kind } = apiFlags(flags);
  const defaulting = flags.defaulting ?? false;
  const validation = flags["programmatic-validation"] ?? false;
  const conversion = flags.conversion ?? false;
  if (!defaulting && !validation && !conversion) throw new UsageError(`choose at least one of --defaulting, --programmatic-validation, --conversion\n\n${createWebhookUsage}`);
  const spokes = (flags.spoke ?? "").split(",").map((v) => v.trim()).filter(Boolean);
  if (conversion && spokes.length === 0) throw new UsageError("--conversion needs --spoke with the other versions, e.g. --conversion --spoke v2");
  if (!conversion && spokes.length > 0) throw new UsageError("--spoke only goes with --conversion");
  for (const v of spokes) {
    try {
      checkVersion(v);
    } catch (err) {
      if (err instanceof NameError) throw new UsageError(err.message.replace("--version", "--spoke"));
      throw err;
    }
    if (v === version) throw new UsageError(`--spoke ${v} is the hub version itself; name the other versions`);
  }
  const dir = resolve(cwd);
  const project = await loadProject(dir);
  const resource = (project.resources ?? []).find((r) => r.group === group && r.version === version && r.kind === kind);
  if (resource?.aggregated) {
    const { registryFile } = (await import("../scaffold/aggregated.js")).aggregatedLayout(project, resource, resource.path);
    throw new UsageError(`${kind} (${group}/${version}) is served by the project's aggregated API server, and webhooks (--defaulting, --programmatic-validation, --conversion) are for CRD kinds: the cluster's API server only proxies aggregated requests. Default and validate ${kind} in its strategy, ${registryFile}`, 1);
  }
  if (!resource?.api) throw new UsageError(`API ${group}/${version}, Kind=${kind} does not exist in this project; create it first: kubeforge create api --group ${group} --version ${version} --kind ${kind}`, 1);
  for (const v of spokes) {
    if (!(project.resources ?? []).some((r) => r.group === group && r.version === v && r.kind === kind && r.api)) {
      throw new UsageError(`spoke version ${v} of ${kind} does not exist; create it first: kubeforge create api --group ${group} --version ${v} --kind ${kind} --controller=false`, 1);
    }
  }
  const layout = apiLayout(project, resource);
  const file = layout.webhookFile;
  // the file holds every webhook of the kind: rewriting it keeps those it has (PROJECT records them)
  const had: Partial<NonNullable<typeof resource.webhooks>> = resource.webhooks ?? {};
  const all = {
    defaulting: defaulting || (had.defaulting ?? false),
    validation: validation || (had.validation ?? false),
    conversion: conversion || (had.conversion ?? false),
    spokes: [...new Set([...(had.spoke ?? []), ...spokes])],
  };
  const kinds = (w: { defaulting: boolean; validation: boolean; conversion: boolean }): string => [w.defaulting && "defaulting", w.validation && "validation", w.conversion && "conversion"].filter(Boolean).join(", ");
  if (!(flags.force ?? false) && existsSync(join(dir, file))) {
    throw new UsageError(`${file} already exists${Object.keys(had).length > 0 ? ` (webhooks: ${kinds({ defaulting: had.defaulting ?? false, validation: had.validation ?? false, conversion: had.conversion ?? false })})` : ""}; pass --force to rewrite it with ${kinds(all)} (your edits to it are replaced)`, 1);
  }
  await runGenerator(WebhookGenerator, dir, { project, resource, ...all });
  process.stdout.write(`\nNext: edit ${file}, then "npm run manifests" and "npm test".\n`);
  return 0;
}
