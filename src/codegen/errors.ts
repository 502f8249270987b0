/** Errors of the code generator: each names a file and line, so a user can fix the source without a stack trace. */

/** Where in a source file (path relative to the project root, 1-based line). */
export interface SourcePos {
  file: string;
  line: number;
}

/** One mistake in the input: `file:line: message`. */
export class CodegenError extends Error {
  constructor(
    readonly pos: SourcePos,
    readonly detail: string,
  ) {
    super(`${pos.file}:${pos.line}: ${detail}`);
    this.name = "CodegenError";
  }
}

/** Every mistake found in one run, sorted by file and line. */
export class GenerationError extends Error {
  readonly errors: readonly CodegenError[];
  constructor(errors: readonly CodegenError[]) {
    const sorted = [...errors].sort((a, b) => (a.pos.file === b.pos.file ? a.pos.line - b.pos.line : a.pos.file < b.pos.file ? -1 : 1));
    super(sorted.map((e) => e.message).join("\n"));
    this.name = "GenerationError";
    this.errors = sorted;
  }
}

/** Collects errors so that one run reports all of them. */
export class ErrorSink {
  readonly errors: CodegenError[] = [];
  add(pos: SourcePos, detail: string): void {
    if (!this.errors.some((e) => e.pos.file === pos.file && e.pos.line === pos.line && e.detail === detail)) this.errors.push(new CodegenError(pos, detail));
  }
  throwIfAny(): void {
    if (this.errors.length > 0) throw new GenerationError(this.errors);
  }
}
