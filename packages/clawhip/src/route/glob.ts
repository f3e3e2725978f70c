/**
 * Upstream's glob: equality, or — when the pattern has `*` — the pieces between stars found left to
 * right with an anchored first and last piece. Case-sensitive; `*` is the only wildcard.
 */
export function globMatch(pattern: string, value: string): boolean {
  const star = pattern.indexOf("*");
  if (star < 0) return pattern === value;
  // The common shapes, `*` and `prefix*`, without splitting.
  if (star === pattern.length - 1) return value.startsWith(pattern.slice(0, star));
  const pieces = pattern.split("*");
  const first = pieces[0] as string;
  const last = pieces[pieces.length - 1] as string;
  if (!value.startsWith(first)) return false;
  let position = first.length;
  for (let i = 1; i < pieces.length - 1; i += 1) {
    const piece = pieces[i] as string;
    if (piece === "") continue;
    const found = value.indexOf(piece, position);
    if (found < 0) return false;
    position = found + piece.length;
  }
  return value.length - last.length >= position && value.endsWith(last);
}
