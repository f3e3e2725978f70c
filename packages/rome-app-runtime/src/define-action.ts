import { type RomeActionConfig, RomeActionConfigSchema, type RomePreviewPayload } from "@clawbridge/contracts";
import { z } from "zod";
import type { Action, ActionExecutionContext, ActionResult } from "./types.js";

export interface ActionSpec<S extends z.ZodType, T> {
  config: RomeActionConfig;
  /** The single source of truth for the input: it validates arguments and generates `inputSchema`. */
  schema: S;
  execute: (input: z.output<S>, context: ActionExecutionContext) => Promise<ActionResult<T>>;
  preview?: (input: z.output<S>) => RomePreviewPayload;
}

/**
 * Builds an `Action` from a zod input schema. Invalid input never throws: `execute` answers with an
 * `error` result and `preview` with an "Invalid input" card, both naming every bad field.
 * A config that does not satisfy the contract is a programming error and throws here, at definition.
 */
export function defineAction<S extends z.ZodType, T = unknown>(spec: ActionSpec<S, T>): Action<T> {
  const config = RomeActionConfigSchema.safeParse(spec.config);
  if (!config.success) throw new Error(`action config is invalid: ${z.prettifyError(config.error)}`);
  const { name } = spec.config;
  // Input-side, so fields with defaults stay optional for the model; no `$schema`, which some providers reject.
  const { $schema: _dialect, ...inputSchema } = z.toJSONSchema(spec.schema, { io: "input", unrepresentable: "any" }) as Record<
    string,
    unknown
  >;
  const invalid = (error: z.ZodError) => `Invalid input for ${name}: ${z.prettifyError(error)}`;

  const action: Action<T> = {
    config: spec.config,
    inputSchema,
    async execute(args, context) {
      const parsed = spec.schema.safeParse(args);
      if (!parsed.success) return { status: "error", error: invalid(parsed.error) };
      return spec.execute(parsed.data, context ?? {});
    },
  };
  const { preview } = spec;
  if (preview) {
    action.preview = (args) => {
      const parsed = spec.schema.safeParse(args);
      if (!parsed.success) return { kind: "generic", title: "Invalid input", summary: invalid(parsed.error) };
      return preview(parsed.data);
    };
  }
  return action;
}
