import type { ChatCompletionRequest, ChatMessage, ChatTool } from "@clawbridge/contracts";
import { botBubbleFor } from "./bot-bubble.js";
import { TOOL_SEARCH_CALL, type ToolResult, textOf, turnOf } from "./conversation.js";
import { estimateTokens, splitTokens } from "./tokens.js";
import { type Intent, readIntent } from "./triggers.js";

/** Pause before each streamed token of an ordinary reply: slow enough to see a reply stream. */
export const DEFAULT_TOKEN_DELAY_MS = 40;
/** Pause between the counted steps of a `take your time` reply. */
export const SLOW_STEP_MS = 1000;
/** Longest echo or tool result quoted back, so a huge message does not become a huge reply. */
const MAX_QUOTE_CHARS = 4000;
/**
 * Longest reply text of any kind: one quote and the words around it. Tool names and the number of
 * tool results come from the request too, and a reply streams one chunk per token.
 */
export const MAX_REPLY_CHARS = 2 * MAX_QUOTE_CHARS;

/** A token to stream and how long to wait before sending it. */
export interface PacedToken {
  text: string;
  delayMs: number;
}

/** Why the model answers with text; the server logs it, tests read it. */
export type TextReason = "echo" | "tool_result" | "bot_conversation" | "take_time" | "tool_unavailable" | "bad_tool_arguments";

/** What the demo model answers a request with, decided from the request alone. */
export type ReplyPlan =
  | { kind: "text"; reason: TextReason; tokens: PacedToken[]; finishReason: "stop" | "length"; promptTokens: number }
  | { kind: "tool_call"; name: string; arguments: string; promptTokens: number };

export interface PlanOptions {
  tokenDelayMs?: number;
}

/**
 * The reply to a chat-completions request (pure: no clock, no I/O). Tool results coming back are
 * quoted in the answer; otherwise the user's words are read for a trigger phrase (`readIntent`).
 */
export function planReply(request: ChatCompletionRequest, options: PlanOptions = {}): ReplyPlan {
  const tokenDelayMs = options.tokenDelayMs ?? DEFAULT_TOKEN_DELAY_MS;
  const promptTokens = estimateTokens(request.messages.map(messageText).join("\n"));
  const limit = request.max_completion_tokens ?? request.max_tokens ?? undefined;
  const text = (reason: TextReason, body: string, tail: PacedToken[] = []): ReplyPlan => {
    const tokens = [...splitTokens(quote(body, MAX_REPLY_CHARS)).map((token) => ({ text: token, delayMs: tokenDelayMs })), ...tail];
    const cut = limit !== undefined && tokens.length > limit;
    return { kind: "text", reason, tokens: cut ? tokens.slice(0, limit) : tokens, finishReason: cut ? "length" : "stop", promptTokens };
  };

  const turn = turnOf(request.messages);
  if (turn.kind === "tool_results") return text("tool_result", turn.results.map(describeResult).join("\n"));
  const intent: Intent = turn.kind === "user" ? readIntent(turn.text) : { kind: "echo", text: "" };

  switch (intent.kind) {
    case "bot_conversation":
      return text("bot_conversation", botBubbleFor(intent.bubbles));
    case "bad_tool_arguments":
      return text("bad_tool_arguments", `I cannot call the tool ${intent.name}: ${intent.reason}.`);
    case "call_tool": {
      const call = request.tool_choice === "none" ? undefined : toolCallFor(intent.name, intent.args, request.tools ?? []);
      if (call) return { kind: "tool_call", ...call, promptTokens };
      return text("tool_unavailable", `I cannot call the tool ${intent.name}: ${unavailableReason(request)}.`);
    }
    case "take_time": {
      const steps = Array.from({ length: intent.seconds }, (_, index) => ({ text: ` ${index + 1}`, delayMs: SLOW_STEP_MS }));
      return text("take_time", `Taking my time (${intent.seconds} seconds), as asked:`, [...steps, { text: " Done.", delayMs: 0 }]);
    }
    case "echo":
      return text(
        "echo",
        intent.text
          ? `This is the clawbridge demo model, not an AI. You said: "${quote(intent.text)}"`
          : 'This is the clawbridge demo model, not an AI. Say "call tool <name>" or "take your time".',
      );
  }
}

/**
 * The call for a named tool: directly when the request offers it, else through OpenClaw's Tool
 * Search `tool_call` (OpenClaw defers plugin tools behind it by default), else none.
 */
function toolCallFor(name: string, args: Record<string, unknown>, tools: readonly ChatTool[]) {
  const direct = tools.find((tool) => tool.function.name.toLowerCase() === name.toLowerCase());
  if (direct) return { name: direct.function.name, arguments: JSON.stringify(args) };
  if (tools.some((tool) => tool.function.name === TOOL_SEARCH_CALL)) {
    return { name: TOOL_SEARCH_CALL, arguments: JSON.stringify({ id: name, args }) };
  }
  return undefined;
}

function unavailableReason(request: ChatCompletionRequest): string {
  if (request.tool_choice === "none") return 'the request says tool_choice "none"';
  const offered = (request.tools ?? []).map((tool) => tool.function.name);
  return offered.length === 0 ? "this request offers no tools" : `this request offers only ${offered.slice(0, 20).join(", ")}`;
}

function describeResult(result: ToolResult): string {
  return `The tool ${result.targetName ?? result.toolName} returned: ${quote(result.content)}`;
}

function quote(text: string, max = MAX_QUOTE_CHARS): string {
  return text.length > max ? `${text.slice(0, max)}…` : text;
}

function messageText(message: ChatMessage): string {
  const calls = message.role === "assistant" ? (message.tool_calls ?? []).map((call) => call.function.arguments) : [];
  return [textOf(message.content), ...calls].join("\n");
}
