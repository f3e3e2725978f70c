import { resolve } from "node:path";
import { defaultWorkspaceRoot } from "../paths.js";
import { deleteManagedRuntime, stopManagedRuntime } from "../runtime/stop.js";
import { validateSlug } from "../slug.js";
import { homeDirectories } from "../workspace/guard.js";
import type { CommandContext, CommandResult, JsonFlag } from "./context.js";

export interface LocalRuntimeFlags extends JsonFlag {
  workspaceRoot?: string;
}

const rootOf = (flags: LocalRuntimeFlags, ctx: CommandContext) =>
  flags.workspaceRoot ? resolve(ctx.cwd, flags.workspaceRoot) : defaultWorkspaceRoot(ctx.env);

export async function runStop(slug: string, flags: LocalRuntimeFlags, ctx: CommandContext): Promise<CommandResult> {
  validateSlug(slug);
  return { ok: true, ...(await stopManagedRuntime(slug, rootOf(flags, ctx), { homes: homeDirectories(ctx.env) })) };
}

export async function runDelete(slug: string, flags: LocalRuntimeFlags, ctx: CommandContext): Promise<CommandResult> {
  validateSlug(slug);
  return { ok: true, ...(await deleteManagedRuntime(slug, rootOf(flags, ctx), { homes: homeDirectories(ctx.env) })) };
}
