import type { ChatCompletion, ChatCompletionChunk, ChatCompletionUsage, ChatToolCall } from "@clawbridge/contracts";
import type { ReplyPlan } from "./plan.js";
import { estimateTokens, splitTokens } from "./tokens.js";

/** What a reply carries besides the plan: ids and time come from the server, not the plan. */
export interface ReplyMeta {
  id: string;
  /** Seconds since the epoch, as OpenAI's `created`. */
  created: number;
  model: string;
  /** The id of the tool call, when the plan is one. */
  toolCallId: string;
  /** `stream_options.include_usage`: a last chunk with the usage and no choices. */
  includeUsage?: boolean;
}

/** A streamed chunk and how long to wait before sending it. */
export interface PacedChunk {
  delayMs: number;
  chunk: ChatCompletionChunk;
}

/**
 * The chunks of a streamed reply, in order: the role, then one chunk per token (or the tool call,
 * its name first and its arguments in pieces), then the finish reason, then the usage if asked.
 * The `data: [DONE]` line that ends the stream is the server's.
 */
export function streamOf(plan: ReplyPlan, meta: ReplyMeta): PacedChunk[] {
  const chunk = (
    delta: ChatCompletionChunk["choices"][number]["delta"],
    finish: ChatCompletionChunk["choices"][number]["finish_reason"] = null,
  ) =>
    ({
      id: meta.id,
      object: "chat.completion.chunk",
      created: meta.created,
      model: meta.model,
      choices: [{ index: 0, delta, finish_reason: finish }],
    }) satisfies ChatCompletionChunk;
  const chunks: PacedChunk[] = [];
  if (plan.kind === "text") {
    chunks.push({ delayMs: 0, chunk: chunk({ role: "assistant", content: "" }) });
    for (const token of plan.tokens) chunks.push({ delayMs: token.delayMs, chunk: chunk({ content: token.text }) });
    chunks.push({ delayMs: 0, chunk: chunk({}, plan.finishReason) });
  } else {
    const call = { index: 0, id: meta.toolCallId, type: "function" as const, function: { name: plan.name, arguments: "" } };
    chunks.push({ delayMs: 0, chunk: chunk({ role: "assistant", tool_calls: [call] }) });
    for (const piece of splitTokens(plan.arguments)) {
      chunks.push({ delayMs: 0, chunk: chunk({ tool_calls: [{ index: 0, function: { arguments: piece } }] }) });
    }
    chunks.push({ delayMs: 0, chunk: chunk({}, "tool_calls") });
  }
  if (meta.includeUsage) {
    chunks.push({
      delayMs: 0,
      chunk: { id: meta.id, object: "chat.completion.chunk", created: meta.created, model: meta.model, choices: [], usage: usageOf(plan) },
    });
  }
  return chunks;
}

/** The same reply as one `chat.completion` object, for a request with `stream` off. */
export function completionOf(plan: ReplyPlan, meta: ReplyMeta): ChatCompletion {
  const message =
    plan.kind === "text"
      ? { role: "assistant" as const, content: plan.tokens.map((token) => token.text).join("") }
      : { role: "assistant" as const, content: null, tool_calls: [toolCallOf(plan, meta)] };
  return {
    id: meta.id,
    object: "chat.completion",
    created: meta.created,
    model: meta.model,
    choices: [{ index: 0, message, finish_reason: plan.kind === "text" ? plan.finishReason : "tool_calls" }],
    usage: usageOf(plan),
  };
}

/** How long the whole reply takes when streamed; a non-streamed reply is answered after as long. */
export function durationOf(plan: ReplyPlan): number {
  return plan.kind === "text" ? plan.tokens.reduce((total, token) => total + token.delayMs, 0) : 0;
}

function toolCallOf(plan: Extract<ReplyPlan, { kind: "tool_call" }>, meta: ReplyMeta): ChatToolCall {
  return { id: meta.toolCallId, type: "function", function: { name: plan.name, arguments: plan.arguments } };
}

function usageOf(plan: ReplyPlan): ChatCompletionUsage {
  const completion = plan.kind === "text" ? plan.tokens.length : estimateTokens(plan.name + plan.arguments);
  return { prompt_tokens: plan.promptTokens, completion_tokens: completion, total_tokens: plan.promptTokens + completion };
}
