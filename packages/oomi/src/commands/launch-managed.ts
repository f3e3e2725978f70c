import { resolve } from "node:path";
import type { OomiBackendPersona, OomiLaunchResult } from "@clawbridge/contracts";
import { errorMessage } from "@clawbridge/plugin-host";
import { connectBackend } from "../backend/connection.js";
import { invalidInput, isOomiError, OomiError } from "../errors.js";
import { defaultWorkspaceRoot } from "../paths.js";
import { launchManagedRuntime } from "../runtime/launch.js";
import { slugifyPersonaName, validateSlug } from "../slug.js";
import { resolveManagedWorkspace } from "../workspace/legacy.js";
import type { BackendFlags, CommandContext } from "./context.js";

export interface LaunchManagedFlags extends BackendFlags {
  name?: string;
  description?: string;
  slug?: string;
  workspaceRoot?: string;
  forceInstall?: boolean;
  entryUrl?: string;
  transport?: string;
  create?: boolean;
  restart?: boolean;
  register?: boolean;
  templateVersion?: string;
}

export const MISSING_SLUG_MESSAGE =
  'Persona slug or name is required. Usage: oomi personas launch-managed [slug] --name "<name>". Prefer `oomi personas create-managed <slug> --name "<name>" --description "<description>"` first.';
export const MISSING_NAME_MESSAGE =
  'Persona name is required when creating a new managed persona implicitly. Prefer running `oomi personas create-managed <slug> --name "<name>" --description "<description>"` first instead of relying on launch-managed auto-create.';
export const noCreateMessage = (slug: string) =>
  `Managed persona ${slug} does not exist in Oomi. Remove --no-create or create it first with \`oomi personas create-managed ${slug} --name "<name>" --description "<description>"\`.`;

/**
 * Launches (or reuses) the managed runtime and registers it. The result keeps the local launch and
 * the backend registration apart; `ok` is true only when both succeeded.
 */
export async function runLaunchManaged(
  positional: string | undefined,
  flags: LaunchManagedFlags,
  ctx: CommandContext,
): Promise<OomiLaunchResult> {
  const name = flags.name?.trim() ?? "";
  const rawSlug = flags.slug || positional || (name ? slugifyPersonaName(name) : "");
  if (!rawSlug) throw invalidInput(MISSING_SLUG_MESSAGE, "SLUG_REQUIRED");
  const slug = validateSlug(rawSlug);
  if (flags.transport && flags.transport !== "local" && flags.transport !== "relay") {
    throw invalidInput(`--transport must be local or relay, not ${flags.transport}`);
  }
  if (flags.entryUrl) {
    try {
      new URL(flags.entryUrl);
    } catch {
      throw invalidInput(`--entry-url is not a URL: ${flags.entryUrl}`);
    }
  }
  const client = await connectBackend(flags, ctx.env, ctx.fetch ? { fetch: ctx.fetch } : {});
  let persona: OomiBackendPersona | null = await client.findPersona(slug);
  let createdPersona = false;
  if (!persona) {
    if (flags.create === false) throw new OomiError("PERSONA_NOT_FOUND", noCreateMessage(slug));
    if (!name) throw new OomiError("PERSONA_NOT_FOUND", MISSING_NAME_MESSAGE);
    persona = (
      await client.managedCreate({
        slug,
        name,
        description: flags.description?.trim() || name,
        templateType: "persona-app",
        promptTemplateVersion: "v1",
      })
    ).persona;
    createdPersona = true;
  }
  const workspaceRoot = flags.workspaceRoot ? resolve(ctx.cwd, flags.workspaceRoot) : defaultWorkspaceRoot(ctx.env);
  // A workspace upstream's older CLI left in ~/.openclaw/personas moves into the root first.
  resolveManagedWorkspace(slug, workspaceRoot, ctx.env);
  const transport = flags.transport as "local" | "relay" | undefined;
  let launch: Awaited<ReturnType<typeof launchManagedRuntime>>;
  try {
    launch = await launchManagedRuntime({
      slug,
      name: persona.name,
      description: persona.description,
      workspaceRoot,
      templateVersion: flags.templateVersion ?? persona.promptTemplateVersion ?? "v1",
      forceInstall: Boolean(flags.forceInstall),
      restart: Boolean(flags.restart),
      ...(flags.entryUrl ? { entryUrl: flags.entryUrl } : {}),
      ...(transport ? { transport } : {}),
      env: ctx.env,
      ...(ctx.healthTimeoutMs ? { healthTimeoutMs: ctx.healthTimeoutMs } : {}),
      progress: ctx.progress,
    });
  } catch (error) {
    const failure = isOomiError(error)
      ? { code: error.code, message: error.message }
      : { code: "LAUNCH_FAILED", message: errorMessage(error) };
    return {
      ok: false,
      persona,
      createdPersona,
      launch: {
        ok: false,
        slug,
        workspacePath: resolve(workspaceRoot, slug),
        scaffolded: false,
        installed: false,
        reusedRunningProcess: false,
      },
      runtime: null,
      localRuntime: null,
      state: null,
      registration: null,
      error: failure,
    };
  }
  const launched = {
    persona,
    createdPersona,
    launch: {
      ok: true,
      slug,
      workspacePath: launch.workspacePath,
      scaffolded: launch.scaffolded,
      installed: launch.installed,
      reusedRunningProcess: launch.reusedRunningProcess,
    },
    runtime: {
      endpoint: launch.state.entryUrl,
      transport: launch.state.transport,
      healthcheckUrl: launch.state.healthcheckUrl,
      localPort: launch.state.localPort,
      localEndpoint: launch.runtime.endpoint,
      reachableEndpoint: launch.runtime.reachableEndpoint,
    },
    localRuntime: launch.runtime,
    state: launch.state,
  };
  if (flags.register === false) return { ok: true, ...launched, registration: null };
  try {
    const { persona: registered } = await client.runtimeRegister(slug, {
      endpoint: launched.runtime.endpoint,
      healthcheckUrl: launched.runtime.healthcheckUrl,
      transport: launched.runtime.transport,
      localPort: launched.runtime.localPort,
      startedAt: launch.state.lastStartedAt,
    });
    return { ok: true, ...launched, persona: registered, registration: { ok: true, persona: registered } };
  } catch (error) {
    const failure = isOomiError(error)
      ? { code: error.code, message: error.message }
      : { code: "REGISTRATION_FAILED", message: errorMessage(error) };
    return {
      ok: false,
      ...launched,
      registration: { ok: false, error: failure },
      error: { code: "REGISTRATION_FAILED", message: `The runtime serves locally but Oomi registration failed: ${failure.message}` },
    };
  }
}
