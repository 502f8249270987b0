/** `kubeforge generate`: CRD, RBAC and webhook manifests from the API types' markers (controller-gen's job). */
import { parseArgs } from "node:util";
import { changedFiles, generate, GenerationError, writeGenerated } from "../codegen/index.js";
import { UsageError } from "./errors.js";

export const generateUsage = `Usage: kubeforge generate [--paths api,internal] [--output-dir config] [--check] [--max-desc-len N]

Generates config/crd/bases/<group>_<plural>.yaml, config/rbac/role.yaml and config/webhook/manifests.yaml
from +kubebuilder markers in the API types and controllers.

Options:
  --paths P[,P...]     files or folders to read (repeatable; default: api and internal)
  --output-dir DIR     where manifests go (default config)
  --check              write nothing; list the files that would change and exit 1 if any would
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
    throw new UsageError(`${e instanceof Error ? e.message : String(e)}\n\n${generateUsage}`);
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
  let files;
  try {
    files = generate({ root, ...(paths ? { paths } : {}), ...(values["output-dir"] ? { outputDir: values["output-dir"] } : {}), ...(maxDescLen !== undefined ? { maxDescLen } : {}) });
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
    if (changed.length === 0) return 0;
    err(`kubeforge: generated files are out of date (run "kubeforge generate"):\n${changed.map((c) => `  ${c}\n`).join("")}`);
    return 1;
  }
  const written = await writeGenerated(root, files);
  for (const w of written) out(`wrote ${w}\n`);
  return 0;
}
