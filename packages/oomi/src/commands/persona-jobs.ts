import { existsSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { networkInterfaces } from "node:os";
import { resolve } from "node:path";
import type { OomiJobCallResult } from "@clawbridge/contracts";
import { connectBackend } from "../backend/connection.js";
import { executePersonaJob, parsePersonaJobMessage } from "../bridge/job-executor.js";
import { invalidInput } from "../errors.js";
import { defaultWorkspaceRoot } from "../paths.js";
import { type RuntimeInputFlags, resolveRuntimeInput } from "../runtime/runtime-input.js";
import { readRuntimeState } from "../runtime/state.js";
import { readRuntimeConfig } from "../runtime/state-write.js";
import { isoTimestamp } from "../timestamps.js";
import type { BackendFlags, CommandContext, CommandResult } from "./context.js";

function requireJobId(jobId: string): string {
  if (!/^[A-Za-z0-9_.:-]{1,200}$/.test(jobId)) throw invalidInput(`invalid job id: ${jobId}`);
  return jobId;
}

export async function runJobStart(
  jobId: string,
  flags: BackendFlags & { startedAt?: string },
  ctx: CommandContext,
): Promise<OomiJobCallResult> {
  const request = { startedAt: isoTimestamp(flags.startedAt, "--started-at") };
  const client = await connectBackend(flags, ctx.env, ctx.fetch ? { fetch: ctx.fetch } : {});
  const { job } = await client.jobStart(requireJobId(jobId), request.startedAt);
  return { ok: true, job, request };
}

export interface JobSucceedFlags extends BackendFlags, RuntimeInputFlags {
  workspacePath?: string;
  completedAt?: string;
}

/**
 * Marks a job succeeded with the runtime it brought up, as upstream does: `transport`, `endpoint`
 * and `healthcheckUrl` are derived from `--local-port` (or `--endpoint`), else from the port in the
 * workspace's `.oomi/runtime.json`, with the health path from its `oomi.runtime.json`.
 */
export async function runJobSucceed(jobId: string, flags: JobSucceedFlags, ctx: CommandContext): Promise<OomiJobCallResult> {
  if (!flags.workspacePath) throw invalidInput("persona-jobs succeed needs --workspace-path");
  const workspacePath = resolve(ctx.cwd, flags.workspacePath);
  const present = existsSync(workspacePath);
  const config = present ? await readRuntimeConfig(workspacePath).catch(() => null) : null;
  const state = present ? await readRuntimeState(workspacePath).catch(() => null) : null;
  const runtime = resolveRuntimeInput(flags, ctx.env, config, networkInterfaces(), state?.localPort);
  const request = {
    workspacePath,
    ...(runtime.localPort ? { localPort: runtime.localPort } : {}),
    transport: runtime.transport,
    endpoint: runtime.endpoint,
    healthcheckUrl: runtime.healthcheckUrl,
    completedAt: isoTimestamp(flags.completedAt, "--completed-at"),
  };
  const client = await connectBackend(flags, ctx.env, ctx.fetch ? { fetch: ctx.fetch } : {});
  const { job } = await client.jobSucceed(requireJobId(jobId), request);
  return { ok: true, job, request };
}

export async function runJobFail(
  jobId: string,
  flags: BackendFlags & { code?: string; message?: string; completedAt?: string },
  ctx: CommandContext,
): Promise<OomiJobCallResult> {
  if (!flags.code?.trim() || !flags.message?.trim()) throw invalidInput("persona-jobs fail needs both --code and --message");
  const request = {
    code: flags.code.trim(),
    message: flags.message.trim(),
    completedAt: isoTimestamp(flags.completedAt, "--completed-at"),
  };
  const client = await connectBackend(flags, ctx.env, ctx.fetch ? { fetch: ctx.fetch } : {});
  const { job } = await client.jobFail(requireJobId(jobId), request);
  return { ok: true, job, request };
}

export interface JobExecuteFlags extends BackendFlags {
  messageFile?: string;
  messageJson?: string;
  install?: boolean;
  start?: boolean;
  register?: boolean;
  workspaceRoot?: string;
}

export async function runJobExecute(flags: JobExecuteFlags, ctx: CommandContext): Promise<CommandResult> {
  if (Boolean(flags.messageFile) === Boolean(flags.messageJson))
    throw invalidInput("pass exactly one of --message-file PATH or --message-json JSON");
  let text = flags.messageJson ?? "";
  if (flags.messageFile) {
    text = await readFile(resolve(ctx.cwd, flags.messageFile), "utf8").catch((error) => {
      throw invalidInput(`cannot read --message-file: ${(error as Error).message}`);
    });
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw invalidInput("the persona job message is not valid JSON");
  }
  const message = parsePersonaJobMessage(json);
  const client = await connectBackend(flags, ctx.env, ctx.fetch ? { fetch: ctx.fetch } : {});
  return executePersonaJob(message, {
    client,
    workspaceRoot: flags.workspaceRoot ? resolve(ctx.cwd, flags.workspaceRoot) : defaultWorkspaceRoot(ctx.env),
    env: ctx.env,
    install: flags.install !== false,
    start: flags.start !== false,
    register: flags.register !== false,
    progress: ctx.progress,
    ...(ctx.healthTimeoutMs ? { healthTimeoutMs: ctx.healthTimeoutMs } : {}),
  });
}
