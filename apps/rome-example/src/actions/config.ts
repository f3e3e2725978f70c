import type { ActionConfig } from "@clawbridge/rome-app-runtime";

/** The Rome app id of this example: the owner of its widgets and approvals. */
export const APP_ID = "rome-example";

type ConfigFields = Pick<ActionConfig, "name" | "description" | "sideEffects"> & Partial<ActionConfig>;

export function noteActionConfig(fields: ConfigFields): ActionConfig {
  return { type: "custom", complexity: "simple", speed: "fast", reliability: "high", ...fields };
}
