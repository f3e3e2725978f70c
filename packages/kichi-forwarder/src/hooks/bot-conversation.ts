import { KICHI_CHANNEL_ID, type KichiBotHistoryEntry, type KichiBotMessageReceivedFrame } from "@clawbridge/contracts";
import { type AgentLocator, errorMessage, resolveAgentId } from "@clawbridge/plugin-host";
import type { PluginLogger } from "openclaw/plugin-sdk/plugin-entry";
import type { KichiAgentRuntime } from "../runtime/agent-runtime.js";
import { previewText } from "./preview.js";

/** A conversation between bots stops once a message is this deep, so two bots never loop forever. */
export const BOT_MESSAGE_MAX_DEPTH = 5;
export const BOT_REPLY_COOLDOWN_MS = 5_000;
const REPLY_MAX_WIDTH = 60;

/**
 * The session every automatic bot reply of an agent runs in (upstream beta.25). Tools can tell from it
 * that they run inside a bot reply: `kichi_bot_message` refuses there, because the reply is sent for
 * the agent from its text.
 */
export function botReplySessionKey(agentId: string): string {
  return `agent:${agentId}:bot_message`;
}

/** Whether a tool or hook runs inside an automatic bot reply (the agent's `bot_message` session). */
export function isBotReplySession(locator: AgentLocator): boolean {
  const agentId = resolveAgentId(locator);
  return agentId !== undefined && locator.sessionKey?.trim().toLowerCase() === botReplySessionKey(agentId);
}

/**
 * The agent turn of a bot reply, as `runtime.agent.runCommandFromIngress` takes it. The turn enters
 * through the `kichi` channel (the gateway admits it only from the plugin that registered that
 * channel), as a guest: the bot is not the agent's owner, may not pick a model, and the reply is not
 * delivered anywhere by the gateway.
 */
export interface BotReplyTurn {
  message: string;
  agentId: string;
  sessionKey: string;
  messageChannel: typeof KICHI_CHANNEL_ID;
  senderIsOwner: false;
  allowModelOverride: false;
  deliver: false;
}

/** What the agent run answers, as far as the reply reads it: text payloads, and error payloads of a failed run. */
export interface BotReplyRunResult {
  payloads?: Array<{ text?: string | null; isError?: boolean; isReasoning?: boolean }>;
}

export type AgentTurnRunner = (request: BotReplyTurn) => Promise<BotReplyRunResult | undefined>;

export type ReplyDecision = { reply: true } | { reply: false; reason: "too_deep" | "cooldown" | "channel_not_running" };

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

/** The reply text of an agent turn: its text payloads (not reasoning, not errors) joined, trimmed. */
export function replyTextOf(result: BotReplyRunResult | undefined): string {
  return (result?.payloads ?? [])
    .filter((p) => p.isError !== true && p.isReasoning !== true)
    .map((p) => (typeof p.text === "string" ? p.text.trim() : ""))
    .filter((t) => t.length > 0)
    .join(" ");
}

/** Where bot messages enter (the `kichi` channel's running account): whether it is open, and how a reply's turn runs there. */
export interface BotInlet {
  readonly isOpen: boolean;
  runTurn: AgentTurnRunner;
}

export interface BotConversationOptions {
  /** The `kichi` channel's inlet: replies are asked for only while it is open, and run through it. */
  inlet: BotInlet;
  logger: PluginLogger;
  now?: () => number;
  cooldownMs?: number;
}

/**
 * Why an agent run that returned failed, or undefined when it did not. OpenClaw reports a failed model
 * call (provider down, refused, out of retries) as an error payload rather than by rejecting.
 */
export function runFailureOf(result: BotReplyRunResult | undefined): string | undefined {
  const error = result?.payloads?.find((p) => p.isError === true);
  if (!error) return undefined;
  return typeof error.text === "string" && error.text.trim() ? error.text.trim() : "the agent run reported an error";
}

/**
 * Answers bot messages on the agent's behalf: skips deep conversations and senders answered within
 * the cooldown, asks the agent for a 2-5 word reply, sends it back one level deeper with the history.
 * A reply whose agent run fails gives the cooldown back, so the sender's next message is answered.
 * Every failure is logged; nothing escapes into the socket handler.
 */
export class BotConversation {
  readonly #lastReply = new Map<string, number>();
  readonly #logger: PluginLogger;
  readonly #inlet: BotInlet;
  readonly #now: () => number;
  readonly #cooldownMs: number;

  constructor(options: BotConversationOptions) {
    this.#logger = options.logger;
    this.#inlet = options.inlet;
    this.#now = options.now ?? Date.now;
    this.#cooldownMs = options.cooldownMs ?? BOT_REPLY_COOLDOWN_MS;
  }

  /** How many (agent, sender) cooldowns are held; expired ones are dropped as messages arrive. */
  get cooldownsHeld(): number {
    return this.#lastReply.size;
  }

  /** Handles one message; resolves when the reply was sent or skipped (never rejects). */
  async handle(runtime: KichiAgentRuntime, message: KichiBotMessageReceivedFrame): Promise<ReplyDecision> {
    const key = `${runtime.agentId}\u0000${message.from}`;
    const now = this.#now();
    this.#pruneCooldowns(now);
    const decision: ReplyDecision = this.#inlet.isOpen
      ? decideBotReply(message.depth, this.#lastReply.get(key), now, this.#cooldownMs)
      : { reply: false, reason: "channel_not_running" };
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
    let result: BotReplyRunResult | undefined;
    let failure: string | undefined;
    try {
      const turn: BotReplyTurn = {
        message: buildBotReplyPrompt(history),
        agentId: runtime.agentId,
        sessionKey: botReplySessionKey(runtime.agentId),
        messageChannel: KICHI_CHANNEL_ID,
        senderIsOwner: false,
        allowModelOverride: false,
        deliver: false,
      };
      result = await this.#inlet.runTurn(turn);
      failure = runFailureOf(result);
    } catch (error) {
      failure = errorMessage(error);
    }
    if (failure !== undefined) {
      // Only this reply's own hold is released: a newer reply to the same sender keeps its cooldown.
      if (this.#lastReply.get(key) === now) this.#lastReply.delete(key);
      this.#logger.warn(`[kichi:${runtime.agentId}] bot reply to ${message.from} failed: the agent run failed: ${failure}`);
      return decision;
    }
    const reply = previewText(replyTextOf(result), REPLY_MAX_WIDTH);
    if (!reply) {
      this.#logger.info(`[kichi:${runtime.agentId}] the agent gave no reply to ${message.from}`);
      return decision;
    }
    try {
      await runtime.sendBotMessage({ toAvatarId: message.from, depth: message.depth + 1, bubble: reply, history });
    } catch (error) {
      this.#logger.warn(`[kichi:${runtime.agentId}] bot reply to ${message.from} failed: ${errorMessage(error)}`);
    }
    return decision;
  }

  /** Drops cooldowns that have run out, so the map holds only senders answered within the cooldown. */
  #pruneCooldowns(now: number): void {
    for (const [key, at] of this.#lastReply) {
      if (now - at >= this.#cooldownMs) this.#lastReply.delete(key);
    }
  }
}
