import type { ActionConfig } from "../src/types.js";

/** A complete action config for test actions, only the name varying. Free of vitest: worker children load it. */
export function testActionConfig(name: string): ActionConfig {
  return {
    name,
    type: "custom",
    description: `test action ${name}`,
    complexity: "simple",
    speed: "fast",
    reliability: "high",
    sideEffects: "read-only",
  };
}
