import type { KichiBotHistoryEntry, KichiBotMessageReceivedFrame } from "@clawbridge/contracts";
import { errorMessage } from "@clawbridge/plugin-host";
import type { PluginLogger } from "openclaw/plugin-sdk/plugin-entry";
import type { KichiAgentRuntime } from "../runtime/agent-runtime.js";
import { previewText } from "./preview.js";

/** A conversation between bots stops once a message is this deep, so two bots never loop forever. */
export const BOT_MESSAGE_MAX_DEPTH = 5;
export const BOT_REPLY_COOLDOWN_MS = 5_000;
const REPLY_MAX_WIDTH = 60;

export type AgentTurnRunner = (request: {
  message: string;
  agentId: string;
  sessionKey: string;
  senderIsOwner: boolean;
  allowModelOverride: boolean;
  deliver: boolean;
}) => Promise<{ payloads?: Array<{ text?: string | null }> } | undefined>;

export type ReplyDecision = { reply: true } | { reply: false; reason: "too_deep" | "cooldown" };

/** Whether a received bot message gets an automatic reply (pure: the caller keeps the cooldown map). */
export function decideBotReply(depth: number, lastReplyAt: number | undefined, now: number, cooldownMs: number): ReplyDecision {
  if (depth >= BOT_MESSAGE_MAX_DEPTH) return { reply: false, reason: "too_deep" };
  if (lastReplyAt !== undefined && now - lastReplyAt < cooldownMs) return { reply: false, reason: "cooldown" };
  return { reply: true };
}

/** The turn the agent gets for a bot message: the conversation so far, and the ask for a tiny reply. */
export function buildBotReplyPrompt(history: readonly KichiBotHistoryEntry[]): string {
  const lines = history.map((entry) => `${entry.fromName || entry.from}: "${entry.bubble}"`);
  return [
    "[Bot conversation]",
    ...lines,
    "",
    "Reply with a short bubble (2-5 words). Do not repeat what has already been said. Output only the bubble text.",
  ].join("\n");
}

/** The reply text of an agent turn: its text payloads joined, trimmed. */
export function replyTextOf(result: { payloads?: Array<{ text?: string | null }> } | undefined): string {
  return (result?.payloads ?? [])
    .map((p) => (typeof p.text === "string" ? p.text.trim() : ""))
    .filter((t) => t.length > 0)
    .join(" ");
}

/**
 * Answers bot messages on the agent's behalf: skips deep conversations and senders answered within
 * the cooldown, asks the agent for a 2-5 word reply, sends it back one level deeper with the history.
 * Every failure is logged; nothing escapes into the socket handler.
 */
export class BotConversation {
  readonly #lastReply = new Map<string, number>();
  readonly #runAgent: AgentTurnRunner;
  readonly #logger: PluginLogger;
  readonly #now: () => number;
  readonly #cooldownMs: number;

  constructor(options: { runAgent: AgentTurnRunner; logger: PluginLogger; now?: () => number; cooldownMs?: number }) {
    this.#runAgent = options.runAgent;
    this.#logger = options.logger;
    this.#now = options.now ?? Date.now;
    this.#cooldownMs = options.cooldownMs ?? BOT_REPLY_COOLDOWN_MS;
  }

  /** How many senders are in the cooldown table (for tests: it must not grow with every sender ever seen). */
  get cooldownEntries(): number {
    return this.#lastReply.size;
  }

  /** Forgets senders whose cooldown is over, so a long-lived gateway does not keep one entry per bot it ever met. */
  #prune(now: number): void {
    for (const [key, at] of this.#lastReply) if (now - at >= this.#cooldownMs) this.#lastReply.delete(key);
  }

  /** Handles one message; resolves when the reply was sent or skipped (never rejects). */
  async handle(runtime: KichiAgentRuntime, message: KichiBotMessageReceivedFrame): Promise<ReplyDecision> {
    const key = `${runtime.agentId}\u0000${message.from}`;
    const now = this.#now();
    this.#prune(now);
    const decision = decideBotReply(message.depth, this.#lastReply.get(key), now, this.#cooldownMs);
    if (!decision.reply) {
      this.#logger.info(
        `[kichi:${runtime.agentId}] bot message from ${message.from} at depth ${message.depth} not answered (${decision.reason})`,
      );
      return decision;
    }
    this.#lastReply.set(key, now);
    const history: KichiBotHistoryEntry[] = [
      ...(message.history ?? []),
      { from: message.from, fromName: message.fromName, bubble: message.bubble },
    ];
    try {
      const result = await this.#runAgent({
        message: buildBotReplyPrompt(history),
        agentId: runtime.agentId,
        sessionKey: `agent:${runtime.agentId}:kichi-bot-message`,
        senderIsOwner: false,
        allowModelOverride: false,
        deliver: false,
      });
      const reply = previewText(replyTextOf(result), REPLY_MAX_WIDTH);
      if (!reply) {
        this.#logger.info(`[kichi:${runtime.agentId}] the agent gave no reply to ${message.from}`);
        return decision;
      }
      await runtime.sendBotMessage({ toAvatarId: message.from, depth: message.depth + 1, bubble: reply, history });
    } catch (error) {
      this.#logger.warn(`[kichi:${runtime.agentId}] bot reply to ${message.from} failed: ${errorMessage(error)}`);
    }
    return decision;
  }
}
