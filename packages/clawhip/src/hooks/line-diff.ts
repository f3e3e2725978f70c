/**
 * A unified-style diff of two small texts (settings files, a bridge script): `-`/`+` lines with up to
 * `context` unchanged lines around each change, `@@` between separate hunks. Quadratic in lines, which
 * is fine for files of a few hundred lines; "" when nothing changed.
 */
export function lineDiff(label: string, before: string, after: string, context = 2): string {
  if (before === after) return "";
  const a = before === "" ? [] : before.replace(/\n$/, "").split("\n");
  const b = after === "" ? [] : after.replace(/\n$/, "").split("\n");
  // lcs[i][j]: length of the longest common subsequence of a[i..] and b[j..].
  const lcs: number[][] = Array.from({ length: a.length + 1 }, () => new Array<number>(b.length + 1).fill(0));
  for (let i = a.length - 1; i >= 0; i -= 1) {
    const row = lcs[i] as number[];
    const next = lcs[i + 1] as number[];
    for (let j = b.length - 1; j >= 0; j -= 1)
      row[j] = a[i] === b[j] ? (next[j + 1] as number) + 1 : Math.max(next[j] as number, row[j + 1] as number);
  }
  const ops: Array<[" " | "-" | "+", string]> = [];
  let i = 0;
  let j = 0;
  while (i < a.length || j < b.length) {
    if (i < a.length && j < b.length && a[i] === b[j]) {
      ops.push([" ", a[i] as string]);
      i += 1;
      j += 1;
    } else if (i < a.length && (j === b.length || (lcs[i + 1]?.[j] as number) >= (lcs[i]?.[j + 1] as number))) {
      ops.push(["-", a[i] as string]);
      i += 1;
    } else {
      ops.push(["+", b[j] as string]);
      j += 1;
    }
  }
  const keep = ops.map((_, index) => ops.slice(Math.max(0, index - context), index + context + 1).some(([op]) => op !== " "));
  const lines = [`--- ${label}`, `+++ ${label}`];
  let gap = false;
  ops.forEach(([op, line], index) => {
    if (!keep[index]) {
      gap = true;
      return;
    }
    if (gap || lines.length === 2) lines.push("@@");
    gap = false;
    lines.push(`${op}${line}`);
  });
  return `${lines.join("\n")}\n`;
}
