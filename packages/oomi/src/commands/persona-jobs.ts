import { readFile } from "node:fs/promises";
import { resolve } from "node:path";
import { connectBackend } from "../backend/connection.js";
import { executePersonaJob, parsePersonaJobMessage } from "../bridge/job-executor.js";
import { invalidInput } from "../errors.js";
import { defaultWorkspaceRoot } from "../paths.js";
import { parsePort } from "../runtime/runtime-input.js";
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
): Promise<CommandResult> {
  const request = { startedAt: isoTimestamp(flags.startedAt, "--started-at") };
  const client = await connectBackend(flags, ctx.env, ctx.fetch ? { fetch: ctx.fetch } : {});
  return { ok: true, request, response: await client.jobStart(requireJobId(jobId), request.startedAt) };
}

export interface JobSucceedFlags extends BackendFlags {
  workspacePath?: string;
  localPort?: string;
  endpoint?: string;
  healthcheckUrl?: string;
  transport?: string;
  completedAt?: string;
}

export async function runJobSucceed(jobId: string, flags: JobSucceedFlags, ctx: CommandContext): Promise<CommandResult> {
  if (!flags.workspacePath) throw invalidInput("persona-jobs succeed needs --workspace-path");
  const localPort = parsePort(flags.localPort);
  if (flags.transport && flags.transport !== "local" && flags.transport !== "relay")
    throw invalidInput("--transport must be local or relay");
  const request = {
    workspacePath: resolve(ctx.cwd, flags.workspacePath),
    ...(localPort ? { localPort } : {}),
    ...(flags.endpoint ? { endpoint: flags.endpoint } : {}),
    ...(flags.healthcheckUrl ? { healthcheckUrl: flags.healthcheckUrl } : {}),
    ...(flags.transport ? { transport: flags.transport as "local" | "relay" } : {}),
    completedAt: isoTimestamp(flags.completedAt, "--completed-at"),
  };
  const client = await connectBackend(flags, ctx.env, ctx.fetch ? { fetch: ctx.fetch } : {});
  return { ok: true, request, response: await client.jobSucceed(requireJobId(jobId), request) };
}

export async function runJobFail(
  jobId: string,
  flags: BackendFlags & { code?: string; message?: string; completedAt?: string },
  ctx: CommandContext,
): Promise<CommandResult> {
  if (!flags.code?.trim() || !flags.message?.trim()) throw invalidInput("persona-jobs fail needs both --code and --message");
  const request = {
    code: flags.code.trim(),
    message: flags.message.trim(),
    completedAt: isoTimestamp(flags.completedAt, "--completed-at"),
  };
  const client = await connectBackend(flags, ctx.env, ctx.fetch ? { fetch: ctx.fetch } : {});
  return { ok: true, request, response: await client.jobFail(requireJobId(jobId), request) };
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
