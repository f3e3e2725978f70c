import {
  KICHI_BOT_MESSAGE_HISTORY_DEFAULT,
  KICHI_BOT_MESSAGE_HISTORY_MAX,
  KichiBotMessageHistoryParamsSchema,
} from "@clawbridge/contracts";
import { type DefinedTool, defineTool } from "@clawbridge/plugin-host";
import type { OpenClawPluginToolContext } from "openclaw/plugin-sdk/plugin-entry";
import { type KichiToolDeps, withRuntime } from "./shared.js";

export function kichiBotMessageHistoryTool(deps: KichiToolDeps, ctx: OpenClawPluginToolContext): DefinedTool {
  return defineTool({
    name: "kichi_bot_message_history",
    label: "Kichi: bot message history",
    description: `Read the bot-to-bot messages you sent and received in Kichi (the newest ${KICHI_BOT_MESSAGE_HISTORY_MAX} are kept; never chats with people). Use it when asked what you and another bot said. limit defaults to ${KICHI_BOT_MESSAGE_HISTORY_DEFAULT}; avatarId keeps only messages from or to that avatar.`,
    params: KichiBotMessageHistoryParamsSchema,
    execute: (params) =>
      withRuntime(deps, ctx, async (runtime) => {
        const entries = await runtime.botMessageHistory(params.limit ?? KICHI_BOT_MESSAGE_HISTORY_DEFAULT, params.avatarId);
        return { success: true, entries };
      }),
  });
}
