import { KichiGlanceParamsSchema } from "@clawbridge/contracts";
import { type DefinedTool, defineTool } from "@clawbridge/plugin-host";
import type { OpenClawPluginToolContext } from "openclaw/plugin-sdk/plugin-entry";
import { type KichiToolDeps, withRuntime } from "./shared.js";

/** How long the avatar looks at the camera when the agent gives no duration (upstream's default). */
export const DEFAULT_GLANCE_SECONDS = 1.8;

export function kichiGlanceTool(deps: KichiToolDeps, ctx: OpenClawPluginToolContext): DefinedTool {
  return defineTool({
    name: "kichi_glance",
    label: "Kichi: look at the camera",
    description:
      'Make your avatar briefly look at the camera (default 1.8 s). Only when the person chatting asks for it ("look at me", "look at the camera"); never for heartbeats, idle plans, bot messages or routine status.',
    params: KichiGlanceParamsSchema,
    execute: (params) =>
      withRuntime(deps, ctx, async (runtime) => {
        const duration = params.duration ?? DEFAULT_GLANCE_SECONDS;
        const ack = await runtime.glance(duration, params.requestId);
        return { success: true, ...ack, duration };
      }),
  });
}
