import { connectBackend } from "../backend/connection.js";
import { invalidInput } from "../errors.js";
import { slugifyPersonaName, validateSlug } from "../slug.js";
import type { BackendFlags, CommandContext, CommandResult } from "./context.js";

export interface CreateManagedFlags extends BackendFlags {
  name?: string;
  description?: string;
  slug?: string;
  templateVersion?: string;
}

/** Creates the backend managed persona record (which enqueues its persona_job). Run before launch-managed. */
export async function runCreateManaged(
  positional: string | undefined,
  flags: CreateManagedFlags,
  ctx: CommandContext,
): Promise<CommandResult> {
  const name = flags.name?.trim();
  if (!name) {
    throw invalidInput(
      'Persona name is required. Usage: oomi personas create-managed <slug> --name "<name>" --description "<description>"',
      "NAME_REQUIRED",
    );
  }
  const slug = validateSlug(flags.slug || positional || slugifyPersonaName(name));
  const client = await connectBackend(flags, ctx.env, ctx.fetch ? { fetch: ctx.fetch } : {});
  const created = await client.managedCreate({
    name,
    description: flags.description?.trim() || name,
    templateType: "persona-app",
    promptTemplateVersion: flags.templateVersion ?? "v1",
    slug,
  });
  return { ok: true, ...created };
}
