import { z } from "zod";

export type JsonSchemaObject = Record<string, unknown>;

const cache = new WeakMap<z.ZodType, JsonSchemaObject>();

/**
 * The JSON Schema OpenClaw needs (tool `parameters`, manifest `configSchema`), generated from zod.
 * Input-side so fields with defaults stay optional; no `$schema` key, which some model providers reject.
 */
export function toJsonSchema(schema: z.ZodType): JsonSchemaObject {
  const cached = cache.get(schema);
  if (cached) return cached;
  const { $schema: _ignored, ...rest } = z.toJSONSchema(schema, { io: "input", unrepresentable: "any" }) as JsonSchemaObject;
  cache.set(schema, rest);
  return rest;
}
