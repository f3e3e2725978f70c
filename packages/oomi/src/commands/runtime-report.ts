import { existsSync } from "node:fs";
import { networkInterfaces } from "node:os";
import { resolve } from "node:path";
import type { OomiPersonaCallResult } from "@clawbridge/contracts";
import type { OomiBackendClient } from "../backend/client.js";
import { connectBackend } from "../backend/connection.js";
import { invalidInput, OomiError } from "../errors.js";
import { defaultWorkspaceRoot, workspacePathFor } from "../paths.js";
import { type RuntimeInputFlags, resolveRuntimeInput } from "../runtime/runtime-input.js";
import { readRuntimeState, runtimeStatePath } from "../runtime/state.js";
import { readRuntimeConfig } from "../runtime/state-write.js";
import { validateSlug } from "../slug.js";
import { isoTimestamp } from "../timestamps.js";
import type { BackendFlags, CommandContext, CommandResult } from "./context.js";

export interface RuntimeReportFlags extends BackendFlags, RuntimeInputFlags {
  workspaceRoot?: string;
  startedAt?: string;
  observedAt?: string;
}

export const recoveryOnlyMessage = (slug: string, command: string) =>
  `Managed persona ${slug} does not exist in Oomi. \`oomi personas ${command}\` is recovery-only: create the backend persona first with \`oomi personas create-managed ${slug} --name "<name>" --description "<description>"\`, then bring it online with \`oomi personas launch-managed ${slug}\`.`;

/** Fails fast, naming create-managed, when the backend has no such persona. */
async function requireBackendPersona(client: OomiBackendClient, slug: string, command: string): Promise<void> {
  const persona = await client.findPersona(slug);
  if (!persona) throw new OomiError("PERSONA_NOT_FOUND", recoveryOnlyMessage(slug, command));
}

async function workspaceOf(slug: string, flags: RuntimeReportFlags, ctx: CommandContext) {
  const root = flags.workspaceRoot ? resolve(ctx.cwd, flags.workspaceRoot) : defaultWorkspaceRoot(ctx.env);
  const path = workspacePathFor(root, slug);
  const config = existsSync(path) ? await readRuntimeConfig(path) : null;
  return { path, config };
}

export async function runRuntimeRegister(slug: string, flags: RuntimeReportFlags, ctx: CommandContext): Promise<CommandResult> {
  validateSlug(slug);
  const startedAt = isoTimestamp(flags.startedAt, "--started-at");
  const workspace = await workspaceOf(slug, flags, ctx);
  const input = resolveRuntimeInput(flags, ctx.env, workspace.config, networkInterfaces());
  const client = await connectBackend(flags, ctx.env, ctx.fetch ? { fetch: ctx.fetch } : {});
  await requireBackendPersona(client, slug, "runtime-register");
  const request = { ...input, startedAt };
  const { persona } = await client.runtimeRegister(slug, request);
  return { ok: true, persona, request } satisfies OomiPersonaCallResult;
}

export async function runHeartbeat(slug: string, flags: RuntimeReportFlags, ctx: CommandContext): Promise<CommandResult> {
  validateSlug(slug);
  const observedAt = isoTimestamp(flags.observedAt, "--observed-at");
  const workspace = await workspaceOf(slug, flags, ctx);
  const client = await connectBackend(flags, ctx.env, ctx.fetch ? { fetch: ctx.fetch } : {});
  await requireBackendPersona(client, slug, "heartbeat");
  const state = existsSync(workspace.path) ? await readRuntimeState(workspace.path) : null;
  if (!state) {
    throw new OomiError(
      "RUNTIME_STATE_MISSING",
      `heartbeat needs ${runtimeStatePath(workspace.path)}, which launch-managed writes. Run \`oomi personas launch-managed ${slug} --workspace-root <root> --json\` first.`,
    );
  }
  const input = resolveRuntimeInput(flags, ctx.env, workspace.config, networkInterfaces(), state.localPort);
  const request = { ...input, observedAt };
  const { persona } = await client.heartbeat(slug, request);
  return { ok: true, persona, request } satisfies OomiPersonaCallResult;
}

export interface RuntimeFailFlags extends BackendFlags {
  code?: string;
  message?: string;
}

export async function runRuntimeFail(slug: string, flags: RuntimeFailFlags, ctx: CommandContext): Promise<CommandResult> {
  validateSlug(slug);
  if (!flags.code?.trim() || !flags.message?.trim()) throw invalidInput("runtime-fail needs both --code and --message");
  const client = await connectBackend(flags, ctx.env, ctx.fetch ? { fetch: ctx.fetch } : {});
  const request = { code: flags.code.trim(), message: flags.message.trim() };
  const { persona } = await client.runtimeFail(slug, request);
  return { ok: true, persona, request } satisfies OomiPersonaCallResult;
}
