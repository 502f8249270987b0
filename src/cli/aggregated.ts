/**
 * `kubeforge create api --aggregated`: checks the flags and the project, runs the aggregated generator, then
 * writes the generated part (src/apiserver/generated) as "kubeforge generate" would.
 */
import { resolve } from "node:path";
import AggregatedGenerator from "../../generators/aggregated/index.js";
import { GenerationError, writeGenerated } from "../codegen/index.js";
import { aggregatedLayout, refuseAggregated, refuseCRDInAggregatedGroup, type Refusal } from "../scaffold/aggregated.js";
import { aggregatedGeneratedFiles } from "../scaffold/aggregated-generate.js";
import { pluralize } from "../scaffold/names.js";
import type { Project } from "../scaffold/project.js";
import { runGenerator } from "../scaffold/run.js";
import { UsageError } from "./errors.js";
import { apiFlags, loadProject } from "./project.js";

export interface CreateApiFlags {
  group?: string;
  version?: string;
  kind?: string;
  plural?: string;
  namespaced?: boolean;
  resource?: boolean;
  controller?: boolean;
  force?: boolean;
  aggregated?: boolean;
}

function refused(r: Refusal | undefined): void {
  if (r) throw new UsageError(r.message, r.exitCode);
}

/** The CRD path of `create api` calls this: a CRD kind in an aggregated group is refused, naming --group. */
export function checkCRDGroup(project: Project, group: string): void {
  refused(refuseCRDInAggregatedGroup(project, group));
}

export async function createAggregatedApi(flags: CreateApiFlags, cwd: string): Promise<number> {
  if (flags.resource === false) {
    throw new UsageError("--aggregated with --resource=false: an aggregated kind is its types, served by the project's API server, so there would be nothing to serve; drop --resource=false (or drop --aggregated to scaffold only a controller)");
  }
  if (flags.controller === true) {
    throw new UsageError('--aggregated with --controller: kubeforge does not scaffold controllers for aggregated kinds yet (the controller test needs CRDs); drop --controller, and write a controller for the kind by hand once "kubeforge run" serves it');
  }
  const { group, version, kind } = apiFlags(flags);
  const plural = flags.plural ?? pluralize(kind);
  if (!/^[a-z][a-z0-9-]*$/.test(plural)) throw new UsageError(`--plural "${plural}" must be lower-case letters, digits and '-', e.g. --plural ${pluralize(kind)}`);
  const dir = resolve(cwd);
  const project = await loadProject(dir);
  const force = flags.force ?? false;
  refused(refuseAggregated(project, { group, version, kind, force }));
  const namespaced = flags.namespaced ?? project.namespaced ?? true;
  await runGenerator(AggregatedGenerator, dir, { project, group, version, kind, plural, namespaced, force });
  const layout = aggregatedLayout(project, { group, version, kind, plural });
  try {
    await writeGenerated(dir, await aggregatedGeneratedFiles(dir));
  } catch (err) {
    if (!(err instanceof GenerationError)) throw err;
    process.stderr.write(`${err.message}\n`);
    throw new UsageError(`the files were created, but generating ${layout.generatedFile} failed (above); fix the types, then run "npm run manifests"`, 1);
  }
  process.stdout.write(
    `\nServed by the project's aggregated API server (src/apiserver/main.ts) as ${layout.apiServiceName}.\n` +
      `Next: edit ${layout.typesFile} (markers) and ${layout.registryFile} (strategy), then "npm run manifests" and "npm test";\n` +
      `"kubeforge run" starts the server beside a local control plane and registers its APIService.\n`,
  );
  return 0;
}
