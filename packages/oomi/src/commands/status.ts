import { existsSync } from "node:fs";
import { resolve } from "node:path";
import type { OomiStatusResult } from "@clawbridge/contracts";
import { defaultWorkspaceRoot } from "../paths.js";
import { checkHealth } from "../runtime/health.js";
import { isProcessAlive } from "../runtime/process-group.js";
import { readRuntimeState, runtimeStatePath } from "../runtime/state.js";
import { validateSlug } from "../slug.js";
import { resolveManagedWorkspace } from "../workspace/legacy.js";
import type { CommandContext } from "./context.js";
import type { LocalRuntimeFlags } from "./local-runtime.js";

// Kept apart from stop/delete and free of zod: `oomi personas status --json` is the command agents
// poll, so its cold start is benchmarked.
/**
 * Local-only status: where the workspace is (a legacy one is moved in first), what
 * `.oomi/runtime.json` says, whether its process lives, and whether it answers health. A persona
 * with no workspace is a failure (exit 1) that still reports every field.
 */
export async function runStatus(slug: string, flags: LocalRuntimeFlags, ctx: CommandContext): Promise<OomiStatusResult> {
  validateSlug(slug);
  const root = flags.workspaceRoot ? resolve(ctx.cwd, flags.workspaceRoot) : defaultWorkspaceRoot(ctx.env);
  const workspace = resolveManagedWorkspace(slug, root, ctx.env);
  const workspacePath = workspace.editableWorkspacePath;
  const workspaceExists = existsSync(workspacePath);
  const state = workspaceExists ? await readRuntimeState(workspacePath) : null;
  const processAlive = isProcessAlive(state?.pid);
  const healthy = state && processAlive ? await checkHealth(state.healthcheckUrl, 1_500) : null;
  const fields = {
    slug,
    ...workspace,
    workspacePath,
    workspaceExists,
    runtimeStatePath: runtimeStatePath(workspacePath),
    state,
    processRunning: processAlive,
    processAlive,
    healthy,
  };
  if (workspaceExists) return { ok: true, ...fields };
  return {
    ok: false,
    error: {
      code: "PERSONA_NOT_FOUND",
      message: `no managed persona ${slug} on this machine: no workspace at ${workspacePath}. Check the slug and --workspace-root, or launch it with \`oomi personas launch-managed ${slug}\`.`,
    },
    ...fields,
  };
}
