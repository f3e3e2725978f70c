import { KichiBotMessageParamsSchema } from "@clawbridge/contracts";
import { type DefinedTool, defineTool } from "@clawbridge/plugin-host";
import type { OpenClawPluginToolContext } from "openclaw/plugin-sdk/plugin-entry";
import { normalizeBotMessage } from "../validate/bot-message.js";
import { type KichiToolDeps, rejected, withRuntime } from "./shared.js";

export function kichiBotMessageTool(deps: KichiToolDeps, ctx: OpenClawPluginToolContext): DefinedTool {
  return defineTool({
    name: "kichi_bot_message",
    label: "Kichi: message a bot",
    description:
      'Send a short message (2-5 words) to another bot in the room, optionally with a pose/action (do not call kichi_action separately). Resolve the target avatarId with kichi_query_status; use "*" only to broadcast. Do not repeat what was already said.',
    params: KichiBotMessageParamsSchema,
    execute: (params) =>
      withRuntime(deps, ctx, async (runtime) => {
        const message = normalizeBotMessage(params);
        if (!message.ok) return rejected(message);
        const ack = await runtime.sendBotMessage(message.value);
        return { success: true, ...message.value, ...ack };
      }),
  });
}
