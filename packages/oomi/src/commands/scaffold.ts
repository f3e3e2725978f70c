import { resolve } from "node:path";
import type { OomiScaffoldResult } from "@clawbridge/contracts";
import { invalidInput } from "../errors.js";
import { defaultWorkspaceRoot } from "../paths.js";
import { scaffoldPersonaWorkspace } from "../scaffold/scaffold.js";
import { homeDirectories } from "../workspace/guard.js";
import type { CommandContext } from "./context.js";

export interface ScaffoldFlags {
  name?: string;
  description?: string;
  out?: string;
  force?: boolean;
  templateVersion?: string;
}

export async function runScaffold(slug: string, flags: ScaffoldFlags, ctx: CommandContext): Promise<OomiScaffoldResult> {
  if (!flags.name?.trim()) throw invalidInput("Persona name is required. Use --name.", "NAME_REQUIRED");
  const outDir = flags.out ? resolve(ctx.cwd, flags.out) : resolve(defaultWorkspaceRoot(ctx.env), slug);
  const outcome = await scaffoldPersonaWorkspace({
    slug,
    name: flags.name,
    description: flags.description ?? "",
    outDir,
    force: Boolean(flags.force),
    templateVersion: flags.templateVersion ?? "v1",
    homes: homeDirectories(ctx.env),
  });
  return { ok: true, ...outcome };
}
