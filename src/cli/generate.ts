/** `kubeforge generate`: CRD, RBAC and webhook manifests from the API types' markers (controller-gen's job). */
import { existsSync } from "node:fs";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { changedFiles, generate, GenerationError, removeStale, staleFiles, writeGenerated } from "../codegen/index.js";
import { UsageError } from "./errors.js";
import { unknownFlag } from "./flags.js";

export const generateUsage = `Usage: kubeforge generate [--paths api,internal] [--output-dir config] [--check] [--max-desc-len N]

Generates config/crd/bases/<group>_<plural>.yaml, config/rbac/role.yaml and config/webhook/manifests.yaml
from +kubebuilder markers in the API types and controllers, and src/apiserver/generated/ for the kinds of
the project's aggregated API server (create api --aggregated; not with --paths). Generated files of kinds
that no longer exist are removed.

Options:
  --paths P[,P...]     files or folders to read (repeatable; default: api and internal)
  --output-dir DIR     where manifests go (default config)
  --check              write nothing; list the files that would change (or be removed) and exit 1 if any would
  --max-desc-len N     cut descriptions to N characters (0 drops them)
  -h, --help           show this help
`;

export async function generateCommand(args: string[], root = process.cwd(), out: (s: string) => void = (s) => process.stdout.write(s), err: (s: string) => void = (s) => process.stderr.write(s)): Promise<number> {
  let values: { paths?: string[]; "output-dir"?: string; check?: boolean; "max-desc-len"?: string; help?: boolean };
  try {
    ({ values } = parseArgs({
      args,
      options: { paths: { type: "string", multiple: true }, "output-dir": { type: "string" }, check: { type: "boolean" }, "max-desc-len": { type: "string" }, help: { type: "boolean", short: "h" } },
      strict: true,
      allowPositionals: false,
    }));
  } catch (e) {
    const msg = e instanceof Error ? e.message : String(e);
    const unknown = /^Unknown option '([^']+)'/.exec(msg);
    if (unknown) throw unknownFlag(unknown[1] as string, ["paths", "output-dir", "check", "max-desc-len", "help"], generateUsage);
    throw new UsageError(`${msg}\n\n${generateUsage}`);
  }
  if (values.help) {
    out(generateUsage);
    return 0;
  }
  let maxDescLen: number | undefined;
  if (values["max-desc-len"] !== undefined) {
    if (!/^\d+$/.test(values["max-desc-len"])) throw new UsageError(`--max-desc-len must be a whole number, got "${values["max-desc-len"]}"`);
    maxDescLen = Number(values["max-desc-len"]);
  }
  const paths = values.paths?.flatMap((p) => p.split(",")).filter((p) => p !== "");
  // aggregated kinds (PROJECT, "create api --aggregated"): src/apiserver/generated from their types' markers
  const aggregated = paths ? undefined : await import("../scaffold/aggregated-generate.js");
  const hasAggregated = (await aggregated?.hasAggregatedResources(root)) ?? false;
  const crdInputs = paths !== undefined || existsSync(join(root, "api")) || existsSync(join(root, "internal"));
  if (!crdInputs && !hasAggregated) {
    const hint = existsSync(join(root, "PROJECT")) ? 'add an API first: kubeforge create api --group <group> --version v1 --kind <Kind>' : 'run it in a project (kubeforge init), or name the API type files with --paths';
    throw new UsageError(`nothing to generate from in ${root}: no api/ or internal/ folder${existsSync(join(root, "PROJECT")) ? "" : " and no PROJECT file"}; ${hint}`, 1);
  }
  const outputDir = values["output-dir"] ?? "config";
  let files;
  try {
    files = crdInputs ? generate({ root, ...(paths ? { paths } : {}), ...(values["output-dir"] ? { outputDir: values["output-dir"] } : {}), ...(maxDescLen !== undefined ? { maxDescLen } : {}) }) : [];
    if (aggregated) files = [...files, ...(await aggregated.aggregatedGeneratedFiles(root))];
  } catch (e) {
    if (e instanceof GenerationError) {
      err(`${e.message}\n`);
      err(`kubeforge: generate: ${e.errors.length} error${e.errors.length > 1 ? "s" : ""}\n`);
      return 1;
    }
    throw e;
  }
  if (values.check) {
    const changed = await changedFiles(root, files);
    const stale = [...(await staleFiles(root, files, outputDir)), ...((await aggregated?.aggregatedStaleFiles(root, files)) ?? [])];
    if (changed.length === 0 && stale.length === 0) return 0;
    err(
      `kubeforge: generated files are out of date (run "kubeforge generate"):\n${changed.map((c) => `  ${c}\n`).join("")}` +
        stale.map((c) => `  ${c} (left over: no API type generates it any more; "kubeforge generate" removes it)\n`).join(""),
    );
    return 1;
  }
  const written = await writeGenerated(root, files);
  for (const w of written) out(`wrote ${w}\n`);
  for (const r of [...(await removeStale(root, files, outputDir)), ...((await aggregated?.removeAggregatedStale(root, files)) ?? [])]) out(`removed ${r} (no API type generates it any more)\n`);
  return 0;
}
