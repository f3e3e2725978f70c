import { type ChildProcess, spawn } from "node:child_process";
import { closeSync, constants, existsSync, openSync, realpathSync } from "node:fs";
import { mkdir, readFile } from "node:fs/promises";
import { type NetworkInterfaceInfo, networkInterfaces } from "node:os";
import { join } from "node:path";
import type { OomiRuntimeState } from "@clawbridge/contracts";
import { errorMessage } from "@clawbridge/plugin-host";
import { OomiError } from "../errors.js";
import type { Env } from "../paths.js";
import { assertContainedWrite, homeDirectories, workspaceForChange } from "../workspace/guard.js";
import { checkHealth, waitForHealth } from "./health.js";
import { resolveHealthPath } from "./health-path.js";
import { launchLockPath, withLaunchLock } from "./launch-lock.js";
import { buildLocalRuntime, buildRegistration, chooseReachableHost, type LocalRuntimeAddress } from "./network.js";
import { DEFAULT_PERSONA_PORT, findAvailablePort } from "./port.js";
import { isProcessAlive, stopProcessGroup } from "./process-group.js";
import { assertVerifiable, identifyDevServer, identifySpawnedChild } from "./process-identity.js";
import { type ProcessInspector, systemProcessInspector } from "./process-inspector.js";
import { readRuntimeState, runtimeLogPath, runtimeStatePath } from "./state.js";
import { readRuntimeConfig, stoppedState, writeRuntimeState } from "./state-write.js";

export const HEALTH_TIMEOUT_MS = 45_000;
const REUSE_HEALTH_TIMEOUT_MS = 4_000;

export interface LaunchOptions {
  slug: string;
  name: string;
  description: string;
  workspaceRoot: string;
  templateVersion?: string;
  forceInstall?: boolean;
  /** Never run npm install (the job executor's `--no-install`). */
  skipInstall?: boolean;
  restart?: boolean;
  entryUrl?: string;
  transport?: "local" | "relay";
  env: Env;
  /** Bound on waiting for the dev server's health URL (45 s; tests shorten it). */
  healthTimeoutMs?: number;
  interfaces?: NodeJS.Dict<NetworkInterfaceInfo[]>;
  progress?: (line: string) => void;
  inspector?: ProcessInspector;
  /** Runs npm install (tests inject one that records when it runs). */
  install?: Installer;
  /** Bound on waiting for another launch of the same persona (see launch-lock.ts). */
  lockTimeoutMs?: number;
}

export interface LaunchOutcome {
  workspacePath: string;
  scaffolded: boolean;
  installed: boolean;
  reusedRunningProcess: boolean;
  runtime: LocalRuntimeAddress;
  state: OomiRuntimeState;
}

async function lastLines(path: string, count = 15): Promise<string> {
  const text = await readFile(path, "utf8").catch(() => "");
  return text.trim().split("\n").slice(-count).join("\n");
}

/** npm's own error lines (`npm error …`, `npm ERR! …` before npm 10), else the output's last lines. */
export function npmErrorLines(output: string): string {
  const lines = output.trim().split("\n");
  const errors = lines.filter((line) => /^npm (error|ERR!)/.test(line));
  return (errors.length > 0 ? errors : lines).slice(-20).join("\n");
}

/** Installs a workspace's dependencies; a failure carries npm's own error lines. */
export type Installer = (workspacePath: string, env: Env, progress: (line: string) => void) => Promise<void>;

export const npmInstall: Installer = async (workspacePath, env, progress) => {
  progress(`npm install in ${workspacePath} …`);
  const { execa } = await import("execa");
  // --loglevel=error, not --silent: --silent hides npm's error lines too, and a failure would say only its exit code.
  const result = await execa("npm", ["install", "--no-fund", "--no-audit", "--loglevel=error"], {
    cwd: workspacePath,
    env: env as NodeJS.ProcessEnv,
    extendEnv: false,
    all: true,
    reject: false,
  });
  if (result.exitCode !== 0) {
    throw new OomiError(
      "NPM_INSTALL_FAILED",
      `npm install failed in ${workspacePath} (exit ${result.exitCode}):\n${npmErrorLines(String(result.all ?? ""))}`,
    );
  }
};

/** The dev server command: vite directly when installed (one process fewer), else `npm run dev`. */
export function devCommandFor(workspacePath: string, bindHost: string, port: number): { command: string; args: string[] } {
  const vite = join(workspacePath, "node_modules", "vite", "bin", "vite.js");
  const serverArgs = ["--host", bindHost, "--port", String(port), "--strictPort"];
  if (existsSync(vite)) return { command: process.execPath, args: [vite, ...serverArgs] };
  return { command: "npm", args: ["run", "dev", "--", ...serverArgs] };
}

/**
 * Brings a managed persona runtime up on this machine: scaffold if missing, install if needed,
 * reuse a healthy running process, otherwise start the dev server detached in its own process
 * group, wait for its loopback health URL, and record `.oomi/runtime.json` with the server's start
 * token. A previous pid is signalled only when it is still the dev server recorded there. The whole
 * launch holds the persona's launch lock (launch-lock.ts): a second launch waits, then reuses.
 */
export async function launchManagedRuntime(options: LaunchOptions): Promise<LaunchOutcome> {
  const homes = homeDirectories(options.env);
  // Checked before the lock is made beside it: the root must be a safe one.
  workspaceForChange(options.workspaceRoot, options.slug, homes);
  await mkdir(options.workspaceRoot, { recursive: true });
  return withLaunchLock(launchLockPath(options.workspaceRoot, options.slug), () => launchLocked(options), {
    ...(options.lockTimeoutMs ? { timeoutMs: options.lockTimeoutMs } : {}),
    ...(options.progress ? { progress: options.progress } : {}),
  });
}

async function launchLocked(options: LaunchOptions): Promise<LaunchOutcome> {
  const progress = options.progress ?? (() => {});
  const inspector = options.inspector ?? systemProcessInspector();
  const homes = homeDirectories(options.env);
  const workspacePath = workspaceForChange(options.workspaceRoot, options.slug, homes);
  const templateVersion = options.templateVersion ?? "v1";

  let scaffolded = false;
  if (!existsSync(join(workspacePath, "package.json"))) {
    const { scaffoldPersonaWorkspace } = await import("../scaffold/scaffold.js");
    progress(`scaffolding ${workspacePath}`);
    await scaffoldPersonaWorkspace({
      slug: options.slug,
      name: options.name,
      description: options.description || options.name,
      outDir: workspacePath,
      force: false,
      templateVersion,
      homes,
    });
    scaffolded = true;
  }

  let installed = false;
  if (!options.skipInstall && (options.forceInstall || !existsSync(join(workspacePath, "node_modules")))) {
    await (options.install ?? npmInstall)(workspacePath, options.env, progress);
    installed = true;
  }

  const config = await readRuntimeConfig(workspacePath);
  const healthPath = resolveHealthPath(config);
  const bindHost = options.env.OOMI_PERSONA_BIND_HOST || "0.0.0.0";
  const reachableHost = chooseReachableHost(options.interfaces ?? networkInterfaces(), options.env, bindHost);
  const logFilePath = runtimeLogPath(workspacePath);
  // Both files are checked before anything starts: a refusal after the spawn would leave a server no file records.
  assertContainedWrite(workspacePath, logFilePath);
  assertContainedWrite(workspacePath, runtimeStatePath(workspacePath));
  const previous = await readRuntimeState(workspacePath);
  const realWorkspace = realpathSync(workspacePath);
  const verdict = previous ? identifyDevServer(previous, realWorkspace, inspector) : ({ kind: "gone" } as const);
  assertVerifiable(verdict);

  if (previous && verdict.kind === "ours") {
    const healthy = await checkHealth(previous.healthcheckUrl, REUSE_HEALTH_TIMEOUT_MS);
    if (healthy && !options.restart && previous.status === "running") {
      const runtime = buildLocalRuntime(previous.localPort, healthPath, bindHost, reachableHost);
      const registration = buildRegistration(runtime, options.entryUrl, options.transport);
      // A file from before start tokens gets one now that the process is verified.
      const processStartToken = previous.processStartToken ?? inspector.startToken(verdict.process.pid) ?? undefined;
      const state: OomiRuntimeState = {
        ...previous,
        ...runtime,
        endpoint: runtime.endpoint,
        entryUrl: registration.endpoint,
        transport: registration.transport,
        ...(processStartToken ? { processStartToken } : {}),
      };
      await writeRuntimeState(workspacePath, state);
      return { workspacePath, scaffolded, installed, reusedRunningProcess: true, runtime, state };
    }
    progress(`stopping the previous runtime (pid ${verdict.process.pid})`);
    await stopProcessGroup(verdict.process);
  }
  if (verdict.kind === "not-ours") progress(`not signalling pid ${verdict.pid}: ${verdict.reason}`);

  const port = await findAvailablePort(previous?.localPort ?? config?.defaultPort ?? DEFAULT_PERSONA_PORT, bindHost).catch((error) => {
    throw new OomiError("NO_FREE_PORT", errorMessage(error));
  });
  const runtime = buildLocalRuntime(port, healthPath, bindHost, reachableHost);
  const registration = buildRegistration(runtime, options.entryUrl, options.transport);
  const devCommand = devCommandFor(workspacePath, bindHost, port);

  await mkdir(join(workspacePath, ".oomi"), { recursive: true });
  // O_NOFOLLOW: a runtime.log planted as a symlink would otherwise have the server's output appended to its target.
  const logFd = openSync(logFilePath, constants.O_WRONLY | constants.O_APPEND | constants.O_CREAT | constants.O_NOFOLLOW, 0o644);
  let child: ChildProcess;
  try {
    child = spawn(devCommand.command, devCommand.args, {
      cwd: workspacePath,
      detached: true,
      stdio: ["ignore", logFd, logFd],
      env: { ...(options.env as NodeJS.ProcessEnv), ...(config?.renderMode === "webspatial" ? { XR_ENV: "avp" } : {}) },
    });
    await new Promise<void>((resolve, reject) => {
      child.once("spawn", resolve);
      child.once("error", reject);
    }).catch((error) => {
      throw new OomiError("DEV_SERVER_SPAWN_FAILED", `could not start ${devCommand.command}: ${errorMessage(error)}`);
    });
    child.unref();
  } finally {
    closeSync(logFd);
  }
  const pid = child.pid as number;
  // A process keeps its start time across exec, so the token read now is the one stop will compare.
  const processStartToken = inspector.startToken(pid) ?? undefined;

  progress(`waiting for ${runtime.healthcheckUrl} (pid ${pid}) …`);
  const health = await waitForHealth({
    url: runtime.healthcheckUrl,
    timeoutMs: options.healthTimeoutMs ?? HEALTH_TIMEOUT_MS,
    isAlive: () => isProcessAlive(pid),
    onWait: (ms) => progress(`  still waiting for health (${Math.round(ms / 1000)} s)`),
  });
  const state: OomiRuntimeState = {
    slug: options.slug,
    name: options.name,
    description: options.description,
    workspacePath,
    templateVersion,
    localPort: port,
    localEndpoint: runtime.endpoint,
    reachableEndpoint: runtime.reachableEndpoint,
    bindHost,
    reachableHost,
    endpoint: runtime.endpoint,
    entryUrl: registration.endpoint,
    transport: registration.transport,
    healthcheckUrl: runtime.healthcheckUrl,
    pid,
    ...(processStartToken ? { processStartToken } : {}),
    logFilePath,
    status: "running",
    lastStartedAt: new Date().toISOString(),
    devCommand,
  };
  if (!health.healthy) {
    const spawnedVerdict = identifySpawnedChild(child);
    if (spawnedVerdict.kind === "ours") await stopProcessGroup(spawnedVerdict.process, { graceMs: 2_000 });
    await writeRuntimeState(workspacePath, stoppedState(state, "failed"));
    const why = health.reason === "exited" ? "the dev server exited" : `no healthy answer within ${Math.round(health.elapsedMs / 1000)} s`;
    throw new OomiError(
      "RUNTIME_UNHEALTHY",
      `${runtime.healthcheckUrl}: ${why}; its process group was stopped. Log ${logFilePath}:\n${await lastLines(logFilePath)}`,
    );
  }
  await writeRuntimeState(workspacePath, state);
  return { workspacePath, scaffolded, installed, reusedRunningProcess: false, runtime, state };
}
