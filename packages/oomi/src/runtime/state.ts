import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { type OomiRuntimeConfig, OomiRuntimeConfigSchema, type OomiRuntimeState, OomiRuntimeStateSchema } from "@clawbridge/contracts";
import { writeJsonAtomic } from "@clawbridge/plugin-host";
import { OomiError } from "../errors.js";

export const runtimeStatePath = (workspacePath: string) => join(workspacePath, ".oomi", "runtime.json");
export const runtimeLogPath = (workspacePath: string) => join(workspacePath, ".oomi", "runtime.log");

async function readJson(path: string): Promise<{ found: false } | { found: true; json: unknown; error?: string }> {
  let text: string;
  try {
    text = await readFile(path, "utf8");
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

/** `.oomi/runtime.json`, or null when missing. A malformed file is an error that says how to recover. */
export async function readRuntimeState(workspacePath: string): Promise<OomiRuntimeState | null> {
  const path = runtimeStatePath(workspacePath);
  const read = await readJson(path);
  if (!read.found) return null;
  const parsed = read.error ? null : OomiRuntimeStateSchema.safeParse(read.json);
  if (!parsed?.success) {
    const reason = read.error ?? parsed?.error.issues.map((i) => `${i.path.join(".") || "(root)"}: ${i.message}`).join("; ");
    throw new OomiError(
      "RUNTIME_STATE_INVALID",
      `${path} is malformed: ${reason}. Stop any dev server you started by hand, remove the file and run \`oomi personas launch-managed\` again.`,
    );
  }
  return parsed.data;
}

export async function writeRuntimeState(workspacePath: string, state: OomiRuntimeState): Promise<void> {
  const checked = OomiRuntimeStateSchema.parse(state);
  await writeJsonAtomic(runtimeStatePath(workspacePath), checked);
}

/** `oomi.runtime.json` at the workspace root (null when missing; malformed is an error). */
export async function readRuntimeConfig(workspacePath: string): Promise<OomiRuntimeConfig | null> {
  const path = join(workspacePath, "oomi.runtime.json");
  const read = await readJson(path);
  if (!read.found) return null;
  const parsed = read.error ? null : OomiRuntimeConfigSchema.safeParse(read.json);
  if (!parsed?.success)
    throw new OomiError("RUNTIME_CONFIG_INVALID", `${path} is malformed: ${read.error ?? parsed?.error.issues[0]?.message}`);
  return parsed.data;
}
