/** Text with dynamic tokens: literal parts, and tokens the runtime evaluates before spooling. */
export type TemplatePiece = string | { token: string };

/** The token forms upstream's dynamic_tokens.rs evaluates; any other `{…}` stays literal. */
export function isDynamicToken(token: string): boolean {
  return (
    token === "now" ||
    token === "iso_time" ||
    token.startsWith("env:") ||
    token.startsWith("sh:") ||
    token.startsWith("tmux_tail:") ||
    token.startsWith("file_tail:")
  );
}

function pushText(pieces: TemplatePiece[], text: string): void {
  if (text === "") return;
  const last = pieces.length - 1;
  if (typeof pieces[last] === "string") pieces[last] = `${pieces[last]}${text}`;
  else pieces.push(text);
}

/**
 * Splits operator-written text into literal parts and dynamic tokens. A token is what lies between a
 * `{` and the next `}` (as upstream scans). With a context, `{key}` placeholders are filled first and
 * their values stay literal: text that came from an event (a commit message, an issue title, a pane
 * line) is never evaluated, so it cannot run a command.
 */
export function dynamicPieces(text: string, context?: ReadonlyMap<string, string>): TemplatePiece[] {
  const pieces: TemplatePiece[] = [];
  let rest = text;
  for (let start = rest.indexOf("{"); start !== -1; start = rest.indexOf("{")) {
    const end = rest.indexOf("}", start + 1);
    if (end === -1) break;
    pushText(pieces, rest.slice(0, start));
    const token = rest.slice(start + 1, end);
    const value = context?.get(token);
    if (value !== undefined) pushText(pieces, value);
    else if (isDynamicToken(token)) pieces.push({ token });
    else pushText(pieces, `{${token}}`);
    rest = rest.slice(end + 1);
  }
  pushText(pieces, rest);
  return pieces;
}

/** The pieces as text with every token left as written (what a delivery shows when nothing is evaluated). */
export function literalText(pieces: readonly TemplatePiece[]): string {
  return pieces.map((piece) => (typeof piece === "string" ? piece : `{${piece.token}}`)).join("");
}

/** A mention before a message as upstream writes it: trimmed, and only when not blank. */
export function withMention(mention: string | undefined, body: string): string {
  if (!mention) return body;
  const trimmed = mention.trim();
  return trimmed ? `${trimmed} ${body}` : body;
}
