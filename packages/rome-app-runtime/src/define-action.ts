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

/** The context a body gets when it is called directly (a test, a helper): nobody listens for events. */
const unobserved: ActionExecutionContext = { emitActionEvent: () => undefined };

/**
 * The JSON Schema a model sees for the input: zod's output side, as upstream, so every object says
 * `additionalProperties: false` and a defaulted field is `required` (the body always receives it).
 * A schema JSON Schema cannot express (a transform, a date, a custom check) is refused with zod's reason.
 */
function modelInputSchema(name: string, schema: z.ZodType): Record<string, unknown> {
  let generated: Record<string, unknown>;
  try {
    generated = z.toJSONSchema(schema) as Record<string, unknown>;
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new Error(`action "${name}": its input schema cannot be expressed as JSON Schema for the model: ${reason}`);
  }
  // No `$schema`: some providers reject the dialect keyword in tool parameters.
  const { $schema: _dialect, ...inputSchema } = generated;
  return inputSchema;
}

/**
 * Builds an `Action` from a zod input schema. Invalid input never throws: `execute` answers with an
 * `error` result and `preview` with an "Invalid input" card, both naming every bad field.
 * A config that does not satisfy the contract, or an input schema with no JSON Schema, is a programming
 * error and throws here, at definition.
 */
export function defineAction<S extends z.ZodType, T = unknown>(spec: ActionSpec<S, T>): Action<T> {
  const config = RomeActionConfigSchema.safeParse(spec.config);
  if (!config.success) throw new Error(`action config is invalid: ${z.prettifyError(config.error)}`);
  const { name } = spec.config;
  const inputSchema = modelInputSchema(name, spec.schema);
  const invalid = (error: z.ZodError) => `Invalid input for ${name}: ${z.prettifyError(error)}`;

  const action: Action<T> = {
    config: spec.config,
    inputSchema,
    async execute(args, context) {
      const parsed = spec.schema.safeParse(args);
      if (!parsed.success) return { status: "error", error: invalid(parsed.error) };
      return spec.execute(parsed.data, context ?? unobserved);
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
