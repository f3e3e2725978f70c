import { existsSync } from "node:fs";
import { resolve } from "node:path";
import { defaultWorkspaceRoot, workspacePathFor } from "../paths.js";
import { checkHealth } from "../runtime/health.js";
import { isProcessAlive } from "../runtime/process-group.js";
import { readRuntimeState } from "../runtime/state.js";
import { validateSlug } from "../slug.js";
import type { CommandContext, CommandResult } from "./context.js";
import type { LocalRuntimeFlags } from "./local-runtime.js";

// Kept apart from stop/delete and free of zod: `oomi personas status --json` is the command agents
// poll, so its cold start is benchmarked.
/** Local-only status: what `.oomi/runtime.json` says, whether its process lives, and whether it answers health. */
export async function runStatus(slug: string, flags: LocalRuntimeFlags, ctx: CommandContext): Promise<CommandResult> {
  validateSlug(slug);
  const workspacePath = workspacePathFor(flags.workspaceRoot ? resolve(ctx.cwd, flags.workspaceRoot) : defaultWorkspaceRoot(ctx.env), slug);
  const workspaceExists = existsSync(workspacePath);
  const state = workspaceExists ? await readRuntimeState(workspacePath) : null;
  const processAlive = isProcessAlive(state?.pid);
  const healthy = state && processAlive ? await checkHealth(state.healthcheckUrl, 1_500) : null;
  return { ok: true, slug, workspacePath, workspaceExists, state, processAlive, healthy };
}
