/** Errors of `kubeforge import crd`: every problem found, each naming its file (and line where known). */

/** One problem in an input file. */
export interface Problem {
  readonly file: string;
  /** 1-based line, when known. */
  readonly line?: number;
  readonly message: string;
}

export function formatProblem(p: Problem): string {
  return `${p.file}${p.line !== undefined ? `:${p.line}` : ""}: ${p.message}`;
}

/** The inputs could not be imported; nothing was written. */
export class ImportCrdError extends Error {
  constructor(readonly problems: readonly Problem[]) {
    super(problems.map(formatProblem).join("\n"));
    this.name = "ImportCrdError";
  }
}

/** Output files exist and `force` was not set; nothing was written. */
export class ExistingFilesError extends Error {
  constructor(readonly paths: readonly string[]) {
    super(`${paths.length === 1 ? "this file exists" : "these files exist"} (use --force to overwrite):\n${paths.map((p) => `  ${p}`).join("\n")}`);
    this.name = "ExistingFilesError";
  }
}
