import { z } from "zod";
import { ErrorShapeSchema } from "../error.js";

/**
 * `--json` output of every CLI command: exactly one JSON document on stdout.
 * Success carries command-specific fields next to `ok: true`; failure carries only the error.
 */
export const CliFailureSchema = z.object({
  ok: z.literal(false),
  error: ErrorShapeSchema,
});
export type CliFailure = z.infer<typeof CliFailureSchema>;

export const CliSuccessSchema = z.looseObject({ ok: z.literal(true) });
export type CliSuccess = z.infer<typeof CliSuccessSchema>;

export const CliEnvelopeSchema = z.discriminatedUnion("ok", [CliSuccessSchema, CliFailureSchema]);
export type CliEnvelope = z.infer<typeof CliEnvelopeSchema>;

/** Builds the envelope schema of one command from the shape of its success fields. */
export function cliEnvelopeOf<Shape extends z.ZodRawShape>(success: Shape) {
  return z.discriminatedUnion("ok", [z.object({ ok: z.literal(true), ...success }), CliFailureSchema]);
}

/** Exit codes shared by every CLI: success, runtime/backend failure, bad usage or invalid input. */
export const CliExitCode = { ok: 0, failure: 1, usage: 2 } as const;
export type CliExitCode = (typeof CliExitCode)[keyof typeof CliExitCode];
