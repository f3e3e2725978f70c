import { readFileSync } from "node:fs";
import { join } from "node:path";
import type { OomiRuntimeState } from "@clawbridge/contracts";
import { OomiError } from "../errors.js";
import { checkJsonSchema } from "./json-schema-check.js";
import { RUNTIME_STATE_JSON_SCHEMA } from "./runtime-state.schema.js";

export const runtimeStatePath = (workspacePath: string) => join(workspacePath, ".oomi", "runtime.json");
export const runtimeLogPath = (workspacePath: string) => join(workspacePath, ".oomi", "runtime.log");

/**
 * Reads a JSON file: missing → `found: false`; unparsable → `error`. Read synchronously: the file is
 * small, and `oomi personas status` then needs no node:fs/promises, which costs its cold start.
 */
export async function readJsonText(path: string): Promise<{ found: false } | { found: true; json: unknown; error?: string }> {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return { found: false };
    throw error;
  }
  try {
    return { found: true, json: JSON.parse(text) };
  } catch (error) {
    return { found: true, json: null, error: `not valid JSON (${(error as Error).message})` };
  }
}

/**
 * `.oomi/runtime.json`, or null when missing. Checked against the JSON Schema generated from
 * `OomiRuntimeStateSchema` (no zod on this hot path); a malformed file is an error that says how to recover.
 */
export async function readRuntimeState(workspacePath: string): Promise<OomiRuntimeState | null> {
  const path = runtimeStatePath(workspacePath);
  const read = await readJsonText(path);
  if (!read.found) return null;
  const issues = read.error ? [read.error] : checkJsonSchema(RUNTIME_STATE_JSON_SCHEMA, read.json);
  if (issues.length > 0) {
    throw new OomiError(
      "RUNTIME_STATE_INVALID",
      `${path} is malformed: ${issues.slice(0, 5).join("; ")}. Stop any dev server you started by hand, remove the file and run \`oomi personas launch-managed\` again.`,
    );
  }
  return read.json as OomiRuntimeState;
}
