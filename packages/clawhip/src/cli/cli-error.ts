import { CliExitCode } from "@clawbridge/contracts";

/** A command failure with its exit code: `usage` (2) for bad input, `failure` (1) for runtime errors. */
export class CliError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly exitCode: CliExitCode = CliExitCode.usage,
  ) {
    super(message);
    this.name = "CliError";
  }
}
