import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";

/**
 * This package's version, from the package.json beside the bin's folder (`bin/oomi.cjs` or
 * `dist/cli.cjs`): read only when asked, so no other command pays for it.
 */
export function packageVersion(cliPath: string): string {
  try {
    const { version } = JSON.parse(readFileSync(join(dirname(cliPath), "..", "package.json"), "utf8")) as { version?: unknown };
    if (typeof version === "string") return version;
  } catch {
    // An unreadable package.json: the version is unknown, which the caller says.
  }
  return "unknown";
}

/** The npm package `oomi openclaw refresh` compares itself with. */
export const PACKAGE_NAME = "@clawbridge/oomi";
