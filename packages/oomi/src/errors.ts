/** Marks an OomiError; registered, so copies of this module in separately built bundles agree. */
const OOMI_ERROR = Symbol.for("@clawbridge/oomi/error");

/**
 * A failure every `oomi` command reports the same way: a stable code, a message that says what to
 * do, and the exit code (1 runtime/backend failure, 2 bad usage or invalid input).
 */
export class OomiError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly exitCode: 1 | 2 = 1,
    /** The backend's HTTP status when the failure came from it. */
    readonly status?: number,
  ) {
    super(message);
    this.name = "OomiError";
  }

  readonly [OOMI_ERROR] = true;
}

/**
 * True for an OomiError from any copy of this module: the CLI shell and the command it loads are
 * separate bundles (see tsup.config.ts), so `instanceof` cannot tell across them.
 */
export function isOomiError(error: unknown): error is OomiError {
  return typeof error === "object" && error !== null && (error as Record<symbol, unknown>)[OOMI_ERROR] === true;
}

export function invalidInput(message: string, code = "INVALID_INPUT"): OomiError {
  return new OomiError(code, message, 2);
}
