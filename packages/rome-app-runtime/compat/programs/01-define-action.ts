// A first action: a zod schema in, a typed handler, an `ok` result out.
import { type Action, type ActionConfig, defineAction, z } from "@rome-os/app-runtime";

const config: ActionConfig = {
  name: "weather_lookup",
  type: "custom",
  description: "Looks up today's forecast for a city.",
  complexity: "simple",
  speed: "fast",
  reliability: "high",
  sideEffects: "read-only",
};

export const lookup: Action = defineAction({
  config,
  schema: z.object({ city: z.string().min(1), unit: z.enum(["c", "f"]).default("c") }),
  execute: async ({ city, unit }) => ({ status: "ok", data: { city, unit, high: unit === "c" ? 21 : 70 } }),
});

export const model: Record<string, unknown> | undefined = lookup.inputSchema;
