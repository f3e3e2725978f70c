import { existsSync } from "node:fs";
import { resolve } from "node:path";
import { defaultWorkspaceRoot, workspacePathFor } from "../paths.js";
import { checkHealth } from "../runtime/health.js";
import { isProcessAlive } from "../runtime/process-group.js";
import { readRuntimeState } from "../runtime/state.js";
import { deleteManagedRuntime, stopManagedRuntime } from "../runtime/stop.js";
import { validateSlug } from "../slug.js";
import type { CommandContext, CommandResult, JsonFlag } from "./context.js";

export interface LocalRuntimeFlags extends JsonFlag {
  workspaceRoot?: string;
}

const rootOf = (flags: LocalRuntimeFlags, ctx: CommandContext) =>
  flags.workspaceRoot ? resolve(ctx.cwd, flags.workspaceRoot) : defaultWorkspaceRoot(ctx.env);

/** Local-only status: what `.oomi/runtime.json` says, whether its process lives, and whether it answers health. */
export async function runStatus(slug: string, flags: LocalRuntimeFlags, ctx: CommandContext): Promise<CommandResult> {
  validateSlug(slug);
  const workspacePath = workspacePathFor(rootOf(flags, ctx), slug);
  const workspaceExists = existsSync(workspacePath);
  const state = workspaceExists ? await readRuntimeState(workspacePath) : null;
  const processAlive = isProcessAlive(state?.pid);
  const healthy = state && processAlive ? await checkHealth(state.healthcheckUrl, 1_500) : null;
  return { ok: true, slug, workspacePath, workspaceExists, state, processAlive, healthy };
}

export async function runStop(slug: string, flags: LocalRuntimeFlags, ctx: CommandContext): Promise<CommandResult> {
  validateSlug(slug);
  return { ok: true, ...(await stopManagedRuntime(slug, rootOf(flags, ctx))) };
}

export async function runDelete(slug: string, flags: LocalRuntimeFlags, ctx: CommandContext): Promise<CommandResult> {
  validateSlug(slug);
  return { ok: true, ...(await deleteManagedRuntime(slug, rootOf(flags, ctx))) };
}
