import { KichiBotMessageParamsSchema } from "@clawbridge/contracts";
import { type DefinedTool, defineTool, failure } from "@clawbridge/plugin-host";
import type { OpenClawPluginToolContext } from "openclaw/plugin-sdk/plugin-entry";
import { isBotReplySession } from "../hooks/bot-conversation.js";
import { normalizeBotMessage } from "../validate/bot-message.js";
import { type KichiToolDeps, rejected, withRuntime } from "./shared.js";

/** Why the tool refuses inside a bot reply: the reply is the turn's text, sent once, one level deeper. */
export const BOT_MESSAGE_IN_BOT_REPLY =
  "kichi_bot_message cannot be used while answering a bot message: write the short reply as your answer; it is sent to that bot for you.";

export function kichiBotMessageTool(deps: KichiToolDeps, ctx: OpenClawPluginToolContext): DefinedTool {
  return defineTool({
    name: "kichi_bot_message",
    label: "Kichi: message a bot",
    description:
      'Send a short message (2-5 words) to another bot in the room, optionally with a pose/action (do not call kichi_action separately). Resolve the target avatarId with kichi_query_status; use "*" only to broadcast. Do not repeat what was already said.',
    params: KichiBotMessageParamsSchema,
    execute: (params) => {
      if (isBotReplySession(ctx)) return failure(BOT_MESSAGE_IN_BOT_REPLY);
      return withRuntime(deps, ctx, async (runtime) => {
        const message = normalizeBotMessage(params);
        if (!message.ok) return rejected(message);
        const ack = await runtime.sendBotMessage(message.value);
        return { success: true, ...message.value, ...ack };
      });
    },
  });
}
