import { existsSync } from "node:fs";
import { join } from "node:path";
import type { OomiCreateLocalResult } from "@clawbridge/contracts";
import { writeFileAtomic, writeJsonAtomic } from "@clawbridge/plugin-host";
import { connectBackend } from "../backend/connection.js";
import { invalidInput } from "../errors.js";
import { validateSlug } from "../slug.js";
import type { BackendFlags, CommandContext } from "./context.js";

export interface CreateFlags extends BackendFlags {
  name?: string;
  description?: string;
  sync?: boolean;
  force?: boolean;
}

/** `personas create <id>`: a repo-local manifest under `personas/<id>/` (not the managed flow). */
export async function runCreateLocal(id: string, flags: CreateFlags, ctx: CommandContext): Promise<OomiCreateLocalResult> {
  validateSlug(id);
  const name = flags.name?.trim() || id;
  const dir = join(ctx.cwd, "personas", id);
  if (existsSync(join(dir, "persona.json")) && !flags.force) {
    throw invalidInput(`${join(dir, "persona.json")} exists; pass --force to overwrite`, "PERSONA_EXISTS");
  }
  const manifest = {
    id,
    name,
    summary: flags.description?.trim() || name,
    status: "inactive",
    type: "persona",
    templateType: "persona-app",
    promptTemplateVersion: "v1",
    capabilities: [],
    dataSources: [],
    tags: [],
  };
  await writeJsonAtomic(join(dir, "persona.json"), manifest);
  await writeFileAtomic(
    join(dir, "README.md"),
    `# ${name}\n\n${manifest.summary}\n\nRepo-local persona manifest. For a managed Oomi persona use \`oomi personas create-managed ${id}\`.\n`,
  );
  let synced = false;
  if (flags.sync !== false) {
    const client = await connectBackend(flags, ctx.env, ctx.fetch ? { fetch: ctx.fetch } : {});
    await client.syncPersona(manifest);
    synced = true;
  }
  return { ok: true, id, path: dir, manifest, synced };
}
