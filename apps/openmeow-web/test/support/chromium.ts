import { mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { type BrowserContext, chromium } from "playwright-core";

/** Where the browser tests write their screenshots (gitignored). */
export const REPORTS_DIR = resolve(import.meta.dirname, "../../../../reports");

/** Debian's Chromium (installed by scripts/setup-system.sh), headless, with nothing reaching the network. */
const CHROMIUM = "/usr/bin/chromium";
const CHROMIUM_ARGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];

/**
 * Headless Chromium with a fresh profile of its own (`--user-data-dir` in a new temp folder named
 * after `prefix`), so each suite starts with an empty localStorage and device key.
 */
export async function launchChromium(prefix: string): Promise<{ context: BrowserContext; profile: string }> {
  const profile = await mkdtemp(join(tmpdir(), prefix));
  const context = await chromium.launchPersistentContext(profile, { executablePath: CHROMIUM, args: CHROMIUM_ARGS, headless: true });
  return { context, profile };
}
