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
}

export function invalidInput(message: string, code = "INVALID_INPUT"): OomiError {
  return new OomiError(code, message, 2);
}

export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
