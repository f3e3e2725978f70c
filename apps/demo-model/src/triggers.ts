/**
 * The phrases the demo model reacts to, read from the user's words (case-insensitive, anywhere in
 * the message). The README documents each one; the first that matches, in this order, wins.
 */
export type Intent =
  | { kind: "bot_conversation"; bubbles: string[] }
  | { kind: "call_tool"; name: string; args: Record<string, unknown> }
  | { kind: "bad_tool_arguments"; name: string; reason: string }
  | { kind: "take_time"; seconds: number }
  | { kind: "echo"; text: string };

/** The header of the prompt kichi-forwarder builds for a bot-to-bot message (`buildBotReplyPrompt`). */
export const BOT_CONVERSATION_HEADER = "[Bot conversation]";

/**
 * `call tool <name>` or `use tool <name>`, optionally followed by `with {json arguments}`: the
 * arguments run from the `{` to the last `}` of the message.
 */
const CALL_TOOL = /\b(?:call|use)\s+tool\s+([A-Za-z0-9_-]+(?:[.:][A-Za-z0-9_-]+)*)(?:\s+with\s+(\{[\s\S]*))?/i;

/** `take your time` runs for `DEFAULT_SLOW_SECONDS`; `take 12 seconds` (or `take 12 s`) for that long. */
const TAKE_YOUR_TIME = /\btake\s+your\s+time\b/i;
const TAKE_SECONDS = /\btake\s+(\d{1,6})\s*(?:seconds?|secs?|s)\b/i;

export const DEFAULT_SLOW_SECONDS = 30;
export const MAX_SLOW_SECONDS = 600;

/** The separator of a bot conversation line, `Name: "bubble"`. */
const BOT_LINE_QUOTE = ': "';

/**
 * The longest `with {…}` arguments taken, so a huge message does not become a huge tool call (its
 * stream is one chunk per 16 characters). A real tool call's arguments are a few hundred bytes.
 */
export const MAX_TOOL_ARGUMENTS_CHARS = 64 * 1024;
/** OpenAI allows 64; a longer name would only make the tool call (which carries it) long. */
export const MAX_TOOL_NAME_CHARS = 128;
/** Deeper arguments are refused: the tool call re-serialises them, and `JSON.stringify` recurses per level. */
export const MAX_TOOL_ARGUMENTS_DEPTH = 64;

export function readIntent(words: string): Intent {
  const headerAt = words.indexOf(BOT_CONVERSATION_HEADER);
  if (headerAt >= 0) return { kind: "bot_conversation", bubbles: botBubbles(words.slice(headerAt + BOT_CONVERSATION_HEADER.length)) };

  const call = CALL_TOOL.exec(words);
  if (call) {
    const name = call[1] as string;
    if (name.length > MAX_TOOL_NAME_CHARS) {
      return {
        kind: "bad_tool_arguments",
        name: `${name.slice(0, 32)}…`,
        reason: `a tool name is at most ${MAX_TOOL_NAME_CHARS} characters`,
      };
    }
    if (call[2] === undefined) return { kind: "call_tool", name, args: {} };
    const end = call[2].lastIndexOf("}");
    const args = parseObject(end < 0 ? call[2] : call[2].slice(0, end + 1));
    return typeof args === "string" ? { kind: "bad_tool_arguments", name, reason: args } : { kind: "call_tool", name, args };
  }

  const seconds = TAKE_SECONDS.exec(words);
  if (seconds) return { kind: "take_time", seconds: Math.min(Math.max(Number(seconds[1]), 1), MAX_SLOW_SECONDS) };
  if (TAKE_YOUR_TIME.test(words)) return { kind: "take_time", seconds: DEFAULT_SLOW_SECONDS };

  return { kind: "echo", text: words };
}

/** The bubbles said so far, oldest first, from the lines after the header up to the first blank line. */
function botBubbles(afterHeader: string): string[] {
  const bubbles: string[] = [];
  for (const line of afterHeader.replace(/^\n/, "").split("\n")) {
    if (line.trim() === "") break;
    const bubble = bubbleOf(line.trim());
    if (bubble !== undefined) bubbles.push(bubble);
  }
  return bubbles;
}

/**
 * The bubble of a `Name: "bubble"` line: from the first `: "` to the closing quote at the end. Found
 * by scanning: the pattern it replaces (`^[^\n]*?: "(.*)"$`) took quadratic time on a long line of `: "`.
 */
function bubbleOf(line: string): string | undefined {
  const at = line.indexOf(BOT_LINE_QUOTE);
  const start = at + BOT_LINE_QUOTE.length;
  return at >= 0 && line.length > start && line.endsWith('"') ? line.slice(start, -1) : undefined;
}

/** A JSON object within the size and depth bounds, or why the text is not one. */
function parseObject(text: string): Record<string, unknown> | string {
  if (text.length > MAX_TOOL_ARGUMENTS_CHARS) return `the text after "with" is longer than ${MAX_TOOL_ARGUMENTS_CHARS} characters`;
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    return `the text after "with" is not JSON (${(error as Error).message})`;
  }
  if (value === null || typeof value !== "object" || Array.isArray(value)) return 'the text after "with" must be a JSON object';
  if (deeperThan(value, MAX_TOOL_ARGUMENTS_DEPTH)) return `the text after "with" nests deeper than ${MAX_TOOL_ARGUMENTS_DEPTH} levels`;
  return value as Record<string, unknown>;
}

/** True when `value` nests objects and arrays more than `limit` levels deep (walked level by level, no recursion). */
function deeperThan(value: unknown, limit: number): boolean {
  let level: unknown[] = [value];
  for (let depth = 1; level.length > 0; depth += 1) {
    if (depth > limit) return true;
    level = level.flatMap((item) => (item !== null && typeof item === "object" ? Object.values(item) : []));
  }
  return false;
}
