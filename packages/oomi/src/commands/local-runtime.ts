import { rmSync } from "node:fs";
import { resolve } from "node:path";
import type { OomiStopResult } from "@clawbridge/contracts";
import { defaultWorkspaceRoot } from "../paths.js";
import { readRuntimeState } from "../runtime/state.js";
import { deleteManagedRuntime, stopManagedRuntime } from "../runtime/stop.js";
import { validateSlug } from "../slug.js";
import { homeDirectories } from "../workspace/guard.js";
import { isLinkTo, resolveManagedWorkspace } from "../workspace/legacy.js";
import type { CommandContext, JsonFlag } from "./context.js";

export interface LocalRuntimeFlags extends JsonFlag {
  workspaceRoot?: string;
}

const rootOf = (flags: LocalRuntimeFlags, ctx: CommandContext) =>
  flags.workspaceRoot ? resolve(ctx.cwd, flags.workspaceRoot) : defaultWorkspaceRoot(ctx.env);

/** Stops the runtime; prints upstream's `stopped` and the `state` left in `.oomi/runtime.json`. */
export async function runStop(slug: string, flags: LocalRuntimeFlags, ctx: CommandContext): Promise<OomiStopResult> {
  validateSlug(slug);
  const workspace = resolveManagedWorkspace(slug, rootOf(flags, ctx), ctx.env);
  const outcome = await stopManagedRuntime(slug, workspace.workspaceRoot, { homes: homeDirectories(ctx.env) });
  const state = await readRuntimeState(outcome.workspacePath);
  return { ok: true, ...outcome, stopped: outcome.wasRunning, state };
}

/** Stops and removes the workspace (and the link left at its legacy path); prints upstream's `deleted` and `stopped`. */
export async function runDelete(slug: string, flags: LocalRuntimeFlags, ctx: CommandContext): Promise<OomiStopResult> {
  validateSlug(slug);
  const workspace = resolveManagedWorkspace(slug, rootOf(flags, ctx), ctx.env);
  const outcome = await deleteManagedRuntime(slug, workspace.workspaceRoot, { homes: homeDirectories(ctx.env) });
  // Only a link to the workspace just removed: a real folder at the legacy path is someone's, left alone.
  if (workspace.compatibilityWorkspacePath && isLinkTo(workspace.compatibilityWorkspacePath, workspace.workspacePath)) {
    rmSync(workspace.compatibilityWorkspacePath);
  }
  return { ok: true, ...outcome, stopped: outcome.wasRunning, deleted: outcome.removed };
}
