/** Display width of one code point: East Asian wide and fullwidth characters (and emoji) take two columns. */
function codePointWidth(codePoint: number): number {
  if (codePoint < 0x1100) return 1;
  const wide =
    (codePoint >= 0x1100 && codePoint <= 0x115f) ||
    (codePoint >= 0x2e80 && codePoint <= 0xa4cf) ||
    (codePoint >= 0xac00 && codePoint <= 0xd7a3) ||
    (codePoint >= 0xf900 && codePoint <= 0xfaff) ||
    (codePoint >= 0xfe30 && codePoint <= 0xfe4f) ||
    (codePoint >= 0xff00 && codePoint <= 0xff60) ||
    (codePoint >= 0xffe0 && codePoint <= 0xffe6) ||
    (codePoint >= 0x1f300 && codePoint <= 0x1faff) ||
    (codePoint >= 0x20000 && codePoint <= 0x3fffd);
  return wide ? 2 : 1;
}

/**
 * A one-line preview of a message that fits `width` display columns: whitespace collapsed, cut with
 * "…" when longer. Bubbles above avatars are tiny; a wide character counts twice.
 */
export function previewText(text: string, width: number): string {
  const flat = text.replace(/\s+/g, " ").trim();
  let used = 0;
  let out = "";
  const chars = [...flat];
  for (const [i, char] of chars.entries()) {
    const w = codePointWidth(char.codePointAt(0) ?? 0);
    const rest = chars.length - i;
    if (used + w > width || (used + w === width && rest > 1)) {
      return `${out}…`;
    }
    out += char;
    used += w;
  }
  return out;
}

/** The text of an agent message, whether `content` is a string or a list of blocks. */
export function messageText(message: unknown): string {
  if (!message || typeof message !== "object") return "";
  const content = (message as { content?: unknown }).content;
  if (typeof content === "string") return content;
  if (Array.isArray(content)) {
    return content
      .map((block) =>
        block && typeof block === "object" && typeof (block as { text?: unknown }).text === "string"
          ? (block as { text: string }).text
          : "",
      )
      .filter(Boolean)
      .join(" ");
  }
  return "";
}

/** The last assistant message of a run, as text. */
export function lastAssistantText(messages: readonly unknown[]): string {
  for (let i = messages.length - 1; i >= 0; i -= 1) {
    const message = messages[i];
    if (message && typeof message === "object" && (message as { role?: unknown }).role === "assistant") return messageText(message);
  }
  return "";
}
