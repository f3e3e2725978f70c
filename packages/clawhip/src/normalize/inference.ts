/** Metadata inferred from free text: issue and PR numbers, test runners, repository names. */

const ISSUE_MARKERS = ["issue-", "issue/", "issue#", "#"] as const;

function leadingDigits(text: string, from: number): number | undefined {
  let end = from;
  while (end < text.length && text.charCodeAt(end) >= 48 && text.charCodeAt(end) <= 57) end += 1;
  if (end === from) return undefined;
  const value = Number(text.slice(from, end));
  return Number.isSafeInteger(value) ? value : undefined;
}

/**
 * An issue number named in a session, branch, path or command: markers are tried in order and only
 * the first occurrence of each is examined; digits must follow the marker immediately.
 */
export function issueNumberIn(text: string): number | undefined {
  const lower = text.toLowerCase();
  for (const marker of ISSUE_MARKERS) {
    const index = lower.indexOf(marker);
    if (index < 0) continue;
    const found = leadingDigits(lower, index + marker.length);
    if (found !== undefined) return found;
  }
  return undefined;
}

/** The number after the first `/pull/` of a URL, up to the next `/`. */
export function prNumberIn(url: string): number | undefined {
  const index = url.indexOf("/pull/");
  if (index < 0) return undefined;
  const rest = url.slice(index + "/pull/".length);
  const slash = rest.indexOf("/");
  const segment = slash < 0 ? rest : rest.slice(0, slash);
  if (!/^\d+$/.test(segment)) return undefined;
  const value = Number(segment);
  return Number.isSafeInteger(value) ? value : undefined;
}

const TEST_RUNNERS: ReadonlyArray<readonly [string, string]> = [
  ["cargo test", "cargo-test"],
  ["pytest", "pytest"],
  ["vitest", "vitest"],
  ["jest", "jest"],
  ["go test", "go-test"],
  ["npm test", "package-test"],
  ["pnpm test", "package-test"],
  ["yarn test", "package-test"],
  ["bun test", "package-test"],
];

export function testRunnerIn(command: string): string | undefined {
  const lower = command.toLowerCase();
  return TEST_RUNNERS.find(([needle]) => lower.includes(needle))?.[1];
}

/** The last path component, trailing separators ignored (like Rust's `Path::file_name`). */
export function pathBaseName(path: string): string | undefined {
  const parts = path.split("/").filter((part) => part !== "" && part !== ".");
  const last = parts.at(-1);
  return last === undefined || last === ".." ? undefined : last;
}
