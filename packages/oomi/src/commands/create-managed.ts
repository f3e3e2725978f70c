import type { OomiCreateManagedResult } from "@clawbridge/contracts";
import { connectBackend } from "../backend/connection.js";
import { OomiError } from "../errors.js";
import { slugifyPersonaName, validateSlug } from "../slug.js";
import type { BackendFlags, CommandContext } from "./context.js";

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
): Promise<OomiCreateManagedResult> {
  const name = flags.name?.trim();
  if (!name) {
    // Exit 1, as upstream: a missing name is reported as the command's failure, not a usage error.
    throw new OomiError(
      "NAME_REQUIRED",
      'Persona name is required. Usage: oomi personas create-managed <slug> --name "<name>" --description "<description>"',
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
