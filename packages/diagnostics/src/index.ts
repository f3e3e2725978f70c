import { definePlugin, defineTool, resolveAgentId } from "@clawbridge/plugin-host";
import { z } from "zod";
import pkg from "../package.json" with { type: "json" };

export const PLUGIN_ID = "clawbridge";

const StatusParams = z.strictObject({
  echo: z.string().max(200).optional().describe("Text echoed back, to tell calls apart"),
});

/**
 * The clawbridge diagnostic plugin. Installed into a gateway, `clawbridge_status` proves the
 * plugin loaded, which build it is, and which agent the session-key rule resolved for the call.
 */
export default definePlugin({
  id: PLUGIN_ID,
  name: "clawbridge",
  description: "clawbridge diagnostics: reports the installed clawbridge version and the agent a call resolves to.",
  version: pkg.version,
  register(api) {
    api.registerTool(
      (ctx) =>
        defineTool({
          name: "clawbridge_status",
          label: "clawbridge status",
          description: "Report the clawbridge plugin version and the agent id and session key this call resolved to.",
          params: StatusParams,
          execute: ({ echo }) => ({
            success: true,
            plugin: PLUGIN_ID,
            version: pkg.version,
            agentId: resolveAgentId(ctx, api.logger) ?? null,
            sessionKey: ctx.sessionKey ?? null,
            ...(echo === undefined ? {} : { echo }),
          }),
        }),
      { names: ["clawbridge_status"] },
    );
  },
});
