import { slugFromName } from "@clawbridge/contracts";
import { invalidInput } from "./errors.js";

/**
 * Same rule as `OomiSlugSchema`, kept zod-free so the fast commands need not load zod: lower-case words
 * joined by dashes, and never an `Object.prototype` name (`constructor`), which a store would misread.
 */
const SLUG = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;

export function validateSlug(slug: string): string {
  if (!SLUG.test(slug) || slug in Object.prototype) {
    throw invalidInput(
      `invalid persona slug "${slug}": use lower-case letters and digits joined by single dashes (e.g. market-analyst)`,
      "INVALID_SLUG",
    );
  }
  return slug;
}

/** `' Market Analyst '` → `market-analyst`; throws when nothing usable is left. */
export function slugifyPersonaName(name: string): string {
  const slug = slugFromName(name);
  if (!slug) throw invalidInput(`cannot derive a slug from the name "${name}"; pass a slug`, "INVALID_SLUG");
  return slug;
}
