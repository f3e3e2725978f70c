import { join } from "node:path";
import { type OomiRuntimeConfig, OomiRuntimeConfigSchema, type OomiRuntimeState, OomiRuntimeStateSchema } from "@clawbridge/contracts";
import { writeJsonAtomic } from "@clawbridge/plugin-host";
import { OomiError } from "../errors.js";
import { readJsonText, runtimeStatePath } from "./state.js";

/** Writes `.oomi/runtime.json` atomically, validated by the contract first. */
export async function writeRuntimeState(workspacePath: string, state: OomiRuntimeState): Promise<void> {
  await writeJsonAtomic(runtimeStatePath(workspacePath), OomiRuntimeStateSchema.parse(state));
}

/** `oomi.runtime.json` at the workspace root (null when missing; malformed is an error). */
export async function readRuntimeConfig(workspacePath: string): Promise<OomiRuntimeConfig | null> {
  const path = join(workspacePath, "oomi.runtime.json");
  const read = await readJsonText(path);
  if (!read.found) return null;
  const parsed = read.error ? null : OomiRuntimeConfigSchema.safeParse(read.json);
  if (!parsed?.success)
    throw new OomiError("RUNTIME_CONFIG_INVALID", `${path} is malformed: ${read.error ?? parsed?.error.issues[0]?.message}`);
  return parsed.data;
}
