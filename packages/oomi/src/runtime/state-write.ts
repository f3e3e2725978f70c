import { join } from "node:path";
import { type OomiRuntimeConfig, OomiRuntimeConfigSchema, type OomiRuntimeState, OomiRuntimeStateSchema } from "@clawbridge/contracts";
import { writeJsonAtomic } from "@clawbridge/plugin-host";
import { OomiError } from "../errors.js";
import { assertContainedWrite } from "../workspace/guard.js";
import { readJsonText, runtimeStatePath } from "./state.js";

/** Writes `.oomi/runtime.json` atomically, validated by the contract first, never through a symlink out of the workspace. */
export async function writeRuntimeState(workspacePath: string, state: OomiRuntimeState): Promise<void> {
  const path = runtimeStatePath(workspacePath);
  const checked = OomiRuntimeStateSchema.parse(state);
  assertContainedWrite(workspacePath, path);
  await writeJsonAtomic(path, checked);
}

/** runtime.json once its process is known not to run: no pid, and no token naming one. */
export function stoppedState(state: OomiRuntimeState, status: "stopped" | "failed" = "stopped"): OomiRuntimeState {
  const { processStartToken: _ended, ...rest } = state;
  return { ...rest, pid: null, status, stoppedAt: new Date().toISOString() };
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
