import { type ChatContent, type ChatMessage, ToolSearchCallResultSchema } from "@clawbridge/contracts";

/**
 * What a request asks the model to answer, read from its messages the way OpenClaw writes them:
 * either the user's latest words or the results of the tool calls the model just made.
 */
export type Turn = { kind: "user"; text: string } | { kind: "tool_results"; results: ToolResult[] } | { kind: "none" };

export interface ToolResult {
  /** The tool the result is for, as the model called it (`tool_call` for a Tool Search call). */
  toolName: string;
  /** For a call through OpenClaw's Tool Search `tool_call`, the tool it named. */
  targetName?: string;
  content: string;
}

/**
 * OpenClaw appends its runtime context (active exec sessions, subagents) as a user message of its
 * own after the real last message, so that message is not what the turn asks.
 */
const INTERNAL_CONTEXT_OPENING = "<<<BEGIN_OPENCLAW_INTERNAL_CONTEXT>>>";

/** OpenClaw prefixes a user's message with the time it arrived: `[Sun 2026-11-29 09:28 UTC] `. */
const STAMP_DATE = /\d{4}-\d{2}-\d{2}/;

/** …and ends it with a `Runtime: agent=… | session=…` paragraph describing the run, after a blank line. */
const RUNTIME_OPENING = "\nRuntime: ";

/** The text parts of a message's content, joined; other parts (images, …) are skipped. */
export function textOf(content: ChatContent | null | undefined): string {
  if (content === null || content === undefined) return "";
  if (typeof content === "string") return content;
  return content
    .map((part) => (part.type === "text" && "text" in part && typeof part.text === "string" ? part.text : ""))
    .filter((text) => text.length > 0)
    .join("\n");
}

export function isInternalContext(message: ChatMessage): boolean {
  return message.role === "user" && textOf(message.content).trimStart().startsWith(INTERNAL_CONTEXT_OPENING);
}

/**
 * What the user wrote, without the arrival stamp and the runtime paragraph OpenClaw adds around it.
 * Both are found by scanning, not by a backtracking pattern: a message is client input (up to the
 * body limit), and a pattern like `\n\s*\nRuntime:` takes quadratic time on a long run of blank lines.
 */
export function userWords(text: string): string {
  const trailer = runtimeParagraphStart(text);
  return withoutArrivalStamp(trailer < 0 ? text : text.slice(0, trailer)).trim();
}

/** Where the blank line before the first `Runtime: ` line starts, or -1. Each character is looked at a bounded number of times. */
function runtimeParagraphStart(text: string): number {
  for (let at = text.indexOf(RUNTIME_OPENING); at >= 0; at = text.indexOf(RUNTIME_OPENING, at + 1)) {
    // The whitespace before this line must hold another line break: that makes the blank line.
    let blankLine = -1;
    for (let before = at - 1; before >= 0 && /\s/.test(text[before] as string); before -= 1) {
      if (text[before] === "\n") blankLine = before;
    }
    if (blankLine >= 0) return blankLine;
  }
  return -1;
}

/** `text` without a leading `[…]` stamp holding a date (on the first line). */
function withoutArrivalStamp(text: string): string {
  if (!text.startsWith("[")) return text;
  const close = text.search(/[\]\n]/);
  if (close < 0 || text[close] !== "]" || !STAMP_DATE.test(text.slice(1, close))) return text;
  return text.slice(close + 1);
}

/**
 * The turn to answer: the trailing tool results when the last real message is a tool result (the
 * model called a tool and gets its answer), else the last user message's words.
 */
export function turnOf(messages: readonly ChatMessage[]): Turn {
  const real = messages.filter((message) => !isInternalContext(message));
  const last = real.at(-1);
  if (!last) return { kind: "none" };
  if (last.role === "user") return { kind: "user", text: userWords(textOf(last.content)) };
  if (last.role !== "tool") return { kind: "none" };

  let start = real.length - 1;
  while (start > 0 && real[start - 1]?.role === "tool") start -= 1;
  const calls = new Map<string, { name: string; arguments: string }>();
  for (const message of real.slice(0, start)) {
    if (message.role !== "assistant") continue;
    for (const call of message.tool_calls ?? []) calls.set(call.id, call.function);
  }
  const results = real.slice(start).map((message): ToolResult => {
    const call = calls.get(message.role === "tool" ? message.tool_call_id : "");
    const content = textOf(message.content);
    if (call?.name !== TOOL_SEARCH_CALL) return { toolName: call?.name ?? "an unknown tool", content };
    return { toolName: TOOL_SEARCH_CALL, ...throughToolSearch(call.arguments, content) };
  });
  return { kind: "tool_results", results };
}

/** OpenClaw's Tool Search tool that calls any catalogued tool: `tool_call {id, args}`. */
export const TOOL_SEARCH_CALL = "tool_call";

/**
 * The tool a Tool Search call ran and that tool's own text, unwrapped from OpenClaw's JSON answer;
 * an answer in another shape (an error text) is kept whole, named after the call's `id` argument.
 */
function throughToolSearch(argumentsText: string, content: string): { targetName?: string; content: string } {
  const answer = ToolSearchCallResultSchema.safeParse(parseJson(content));
  if (answer.success) {
    const texts = answer.data.result.content.flatMap((part) => (part.type === "text" ? [part.text] : []));
    return { targetName: answer.data.tool.name, content: texts.join("\n") };
  }
  const id = (parseJson(argumentsText) as { id?: unknown } | undefined)?.id;
  return typeof id === "string" && id.length > 0 ? { targetName: id, content } : { content };
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
