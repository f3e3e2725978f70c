/** Longest piece one streamed delta carries, so long words and JSON still arrive in several deltas. */
const MAX_TOKEN_CHARS = 16;

/**
 * Splits text into the pieces streamed one delta each: words with the whitespace before them, long
 * runs cut at `MAX_TOKEN_CHARS`. Joining the pieces gives the text back unchanged.
 */
export function splitTokens(text: string): string[] {
  const words = text.match(/\s*\S+|\s+$/g) ?? [];
  return words.flatMap((word) => {
    const pieces: string[] = [];
    for (let at = 0; at < word.length; at += MAX_TOKEN_CHARS) pieces.push(word.slice(at, at + MAX_TOKEN_CHARS));
    return pieces;
  });
}

/** A token count for `usage`: about four characters a token, like OpenAI's rule of thumb. */
export function estimateTokens(text: string): number {
  return Math.ceil(text.length / 4);
}
