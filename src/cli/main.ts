/** The kubeforge command line. Each command's module is loaded only when it runs (they pull in yeoman, ts-morph or the control plane). */
import { UsageError } from "./errors.js";

export const usage = `Usage: kubeforge <command> [options]

Commands:
  init           scaffold a new operator project (see: kubeforge init --help)
  create api     add an API and its controller to the project (see: kubeforge create api --help)
  create webhook add defaulting/validation/conversion webhooks to an API (see: kubeforge create webhook --help)
  run            build the project and run its manager, on a local control plane by default (see: kubeforge run --help)
  edit           change project-wide settings (multigroup, namespaced) (see: kubeforge edit --help)
  cluster up     run a local Kubernetes-compatible control plane (see: kubeforge cluster --help)
  generate       CRD, RBAC and webhook manifests from +kubebuilder markers (see: kubeforge generate --help)
  import crd     TypeScript types for existing CRDs (see: kubeforge import crd --help)
  version        print kubeforge's version

Run "kubeforge <command> --help" for a command's options.
`;

async function run(argv: string[]): Promise<number> {
  const [cmd, ...rest] = argv;
  switch (cmd) {
    case undefined:
    case "-h":
    case "--help":
    case "help":
      process.stdout.write(usage);
      return cmd === undefined ? 2 : 0;
    case "version":
    case "--version": {
      const { readFile } = await import("node:fs/promises");
      const pkg = JSON.parse(await readFile(new URL("../../../package.json", import.meta.url), "utf8")) as { version: string };
      process.stdout.write(`kubeforge ${pkg.version}\n`);
      return 0;
    }
    case "cluster":
      return (await import("./cluster.js")).clusterCommand(rest);
    case "generate":
      return (await import("./generate.js")).generateCommand(rest);
    case "init":
      return (await import("./init.js")).initCommand(rest);
    case "create":
      return (await import("./create.js")).createCommand(rest);
    case "run":
      return (await import("./run.js")).runCommand(rest);
    case "edit":
      return (await import("./edit.js")).editCommand(rest);
    case "import":
      return (await import("./importcrd.js")).importCommand(rest);
    default:
      throw new UsageError(`unknown command "${cmd}"\n\n${usage}`);
  }
}

/** Runs the CLI; user mistakes print one line (plus usage) and return a non-zero code, never a stack trace. */
export async function main(argv: string[]): Promise<number> {
  try {
    return await run(argv);
  } catch (err) {
    if (err instanceof UsageError) {
      process.stderr.write(`kubeforge: ${err.message}\n`);
      return err.exitCode;
    }
    // a file the scaffold has to edit is not as expected: the message names it and the fix
    if (err instanceof Error && err.name === "ScaffoldEditError") {
      process.stderr.write(`kubeforge: ${err.message}\n`);
      return 1;
    }
    throw err;
  }
}
