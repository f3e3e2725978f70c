import { z } from "zod";
import { ErrorShapeSchema } from "../error.js";

/**
 * The body of every HTTP error of the local Kichi World server (a malformed request target, an
 * unknown path, a refused method, a connection past the cap, a timeout): JSON, never a crash.
 */
export const KichiWorldHttpErrorSchema = z.object({
  ok: z.literal(false),
  error: ErrorShapeSchema,
});
export type KichiWorldHttpError = z.infer<typeof KichiWorldHttpErrorSchema>;
