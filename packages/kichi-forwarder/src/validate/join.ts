import { invalid, type Validation, valid } from "./result.js";

const TAG_MAX_LENGTH = 40;

/** Tags are trimmed, empty ones dropped, duplicates removed case-insensitively (first spelling kept). */
export function normalizeTags(tags: readonly string[] | undefined): Validation<string[]> {
  const seen = new Set<string>();
  const out: string[] = [];
  for (const raw of tags ?? []) {
    const tag = raw.trim();
    if (!tag) continue;
    if (tag.length > TAG_MAX_LENGTH) return invalid(`tags must be ${TAG_MAX_LENGTH} characters or fewer: "${tag}"`);
    const key = tag.toLowerCase();
    if (seen.has(key)) continue;
    seen.add(key);
    out.push(tag);
  }
  return valid(out);
}
