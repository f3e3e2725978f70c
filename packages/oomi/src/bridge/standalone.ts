import { spawn } from "node:child_process";
import { closeSync, openSync } from "node:fs";
import { mkdir, readFile, rm } from "node:fs/promises";
import { dirname, resolve } from "node:path";
import type { OomiBridgeStartResult, OomiBridgeStopResult } from "@clawbridge/contracts";
import { writeFileAtomic, writeJsonAtomic } from "@clawbridge/plugin-host";
import { connectBackend } from "../backend/connection.js";
import type { BackendFlags, CommandContext, CommandResult } from "../commands/context.js";
import { OomiError } from "../errors.js";
import { bridgeLogPath, bridgePidPath, bridgeStatusPath, defaultWorkspaceRoot, type Env } from "../paths.js";
import { stopProcessGroup } from "../runtime/process-group.js";
import { identifyBridgeProcess, type ProcessVerdict } from "../runtime/process-identity.js";
import { type ProcessInspector, systemProcessInspector } from "../runtime/process-inspector.js";
import { OomiBridge } from "./bridge.js";

async function readPid(env: Env): Promise<number | null> {
  const text = await readFile(bridgePidPath(env), "utf8").catch(() => "");
  const pid = Number(text.trim());
  return Number.isInteger(pid) && pid > 0 ? pid : null;
}

/** The pid file's process, checked to be the bridge: a stale file can name a pid the system has since given to another process. */
async function bridgeVerdict(env: Env, inspector: ProcessInspector): Promise<ProcessVerdict> {
  const pid = await readPid(env);
  return pid === null ? { kind: "gone" } : identifyBridgeProcess(pid, inspector);
}

export async function bridgeProcessStatus(
  env: Env,
  inspector = systemProcessInspector(),
): Promise<{ running: boolean; pid: number | null; logPath: string }> {
  const verdict = await bridgeVerdict(env, inspector);
  // Unverifiable counts as running: starting a second bridge is worse than reporting one that may be gone.
  const pid = verdict.kind === "ours" ? verdict.process.pid : verdict.kind === "unverifiable" ? verdict.pid : null;
  return { running: pid !== null, pid, logPath: bridgeLogPath(env) };
}

// The service commands load with the other bridge commands (one command module, see tsup.config.ts).
export { bridgeService, systemctlUser } from "./service.js";

export interface BridgeRunFlags extends BackendFlags {
  workspaceRoot?: string;
  pollIntervalMs?: string;
}

/** `oomi openclaw bridge start`: the singleton bridge as a detached process (pid file, log file). */
export async function startBridgeProcess(
  flags: BridgeRunFlags,
  ctx: CommandContext,
  cliPath: string,
): Promise<Extract<OomiBridgeStartResult, { ok: true }>> {
  const current = await bridgeProcessStatus(ctx.env);
  if (current.running) return { ok: true, started: false, ...current };
  await connectBackend(flags, ctx.env);
  const args = [cliPath, "openclaw", "bridge", "run"];
  if (flags.backendUrl) args.push("--backend-url", flags.backendUrl);
  if (flags.workspaceRoot) args.push("--workspace-root", resolve(ctx.cwd, flags.workspaceRoot));
  if (flags.pollIntervalMs) args.push("--poll-interval-ms", flags.pollIntervalMs);
  const logPath = bridgeLogPath(ctx.env);
  await mkdir(dirname(logPath), { recursive: true });
  const fd = openSync(logPath, "a");
  try {
    // Credentials go through the environment, never the process list.
    const env = {
      ...(ctx.env as NodeJS.ProcessEnv),
      ...(flags.deviceToken ? { OOMI_DEVICE_TOKEN: flags.deviceToken } : {}),
      ...(flags.deviceId ? { OOMI_DEVICE_ID: flags.deviceId } : {}),
    };
    const child = spawn(process.execPath, args, { detached: true, stdio: ["ignore", fd, fd], env, cwd: ctx.cwd });
    const pid = await new Promise<number>((done, fail) => {
      child.once("spawn", () => done(child.pid as number));
      child.once("error", fail);
    });
    child.unref();
    await writeFileAtomic(bridgePidPath(ctx.env), `${pid}\n`);
    return { ok: true, started: true, running: true, pid, logPath };
  } finally {
    closeSync(fd);
  }
}

export async function stopBridgeProcess(ctx: CommandContext, inspector = systemProcessInspector()): Promise<OomiBridgeStopResult> {
  const verdict = await bridgeVerdict(ctx.env, inspector);
  if (verdict.kind === "unverifiable") {
    throw new OomiError(
      "PROCESS_UNVERIFIED",
      `${verdict.reason}, so it was not signalled; if it is the bridge, stop it yourself (kill ${verdict.pid})`,
    );
  }
  if (verdict.kind !== "ours") {
    await rm(bridgePidPath(ctx.env), { force: true });
    return {
      ok: true,
      stopped: false,
      pid: null,
      ...(verdict.kind === "not-ours" ? { notSignalled: { pid: verdict.pid, reason: verdict.reason } } : {}),
    };
  }
  const signal = await stopProcessGroup(verdict.process, { graceMs: 10_000 });
  await rm(bridgePidPath(ctx.env), { force: true });
  return { ok: true, stopped: true, pid: verdict.process.pid, signal };
}

/** `oomi openclaw bridge run`: the bridge loop in the foreground (persona jobs only; chat needs the plugin). */
export async function runBridgeForeground(flags: BridgeRunFlags, ctx: CommandContext): Promise<CommandResult> {
  const client = await connectBackend(flags, ctx.env);
  const pollIntervalMs = flags.pollIntervalMs ? Number(flags.pollIntervalMs) : undefined;
  if (pollIntervalMs !== undefined && (!Number.isInteger(pollIntervalMs) || pollIntervalMs < 100)) {
    throw new OomiError("INVALID_INPUT", "--poll-interval-ms must be an integer ≥ 100", 2);
  }
  const startedAt = new Date().toISOString();
  const bridge = new OomiBridge({
    client,
    workspaceRoot: flags.workspaceRoot ? resolve(ctx.cwd, flags.workspaceRoot) : defaultWorkspaceRoot(ctx.env),
    env: ctx.env,
    ...(pollIntervalMs ? { pollIntervalMs } : {}),
    onEvent: (event) => {
      if (event.type !== "supervise" || event.personas.length > 0)
        process.stderr.write(`${new Date().toISOString()} ${JSON.stringify(event)}\n`);
      void writeJsonAtomic(bridgeStatusPath(ctx.env), { pid: process.pid, startedAt, ...pickStatus(bridge) }).catch(() => {});
    },
  });
  bridge.start();
  process.stderr.write(`oomi bridge polling ${client.baseUrl} (pid ${process.pid})\n`);
  // The bridge's timers are unref'd so they never hold a gateway open; this process has nothing
  // else to keep it alive between polls, so it holds itself open until a signal stops it.
  const keepAlive = setInterval(() => {}, 2 ** 30);
  await new Promise<void>((done) => {
    const stop = () => void bridge.stop().then(done);
    process.once("SIGTERM", stop);
    process.once("SIGINT", stop);
  });
  clearInterval(keepAlive);
  return { ok: true, stopped: true, ...pickStatus(bridge) };
}

function pickStatus(bridge: OomiBridge) {
  const c = bridge.counters;
  return {
    lastPollAt: c.lastPollAt,
    lastHeartbeatAt: c.lastHeartbeatAt,
    jobsSucceeded: c.jobsSucceeded,
    jobsFailed: c.jobsFailed,
    lastError: c.lastError,
  };
}
