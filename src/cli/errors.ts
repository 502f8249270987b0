/** A user mistake on the command line: printed as one message (no stack trace) with a non-zero exit. */
export class UsageError extends Error {
  constructor(
    message: string,
    readonly exitCode = 2,
  ) {
    super(message);
    this.name = "UsageError";
  }
}
