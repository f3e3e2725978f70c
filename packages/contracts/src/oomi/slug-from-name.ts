/**
 * The slug a persona name gives when no slug is passed: lower-case ASCII letters and digits, every
 * other run of characters one dash, none at either end (`' Market Analyst '` → `market-analyst`). It
 * may be empty (`'+++'`); callers refuse that with their own error. The CLI and the reference backend
 * both derive slugs with it. Zod-free, so the CLI's fast commands can use it without loading zod.
 */
export function slugFromName(name: string): string {
  return name
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-|-$/g, "");
}
