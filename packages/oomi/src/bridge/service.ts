import { existsSync, readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import type { OomiBridgeServiceResult } from "@clawbridge/contracts";
import { writeFileAtomic } from "@clawbridge/plugin-host";
import { readBridgeState } from "../backend/connection.js";
import { invalidInput, OomiError } from "../errors.js";
import type { Env } from "../paths.js";

// `oomi openclaw bridge service …` on Linux: the bridge as a systemd *user* unit (upstream 0.2.50
// has a launchd agent on macOS only). The unit runs `oomi openclaw bridge run`, which reads the
// device token from the paired state file (0600); the unit file never holds a secret.

export const SERVICE_UNIT = "oomi-bridge.service";
export const SERVICE_ACTIONS = ["install", "start", "stop", "restart", "status", "uninstall"] as const;
export type ServiceAction = (typeof SERVICE_ACTIONS)[number];

/** Runs `systemctl --user <args>`; injected so tests never touch the real user's systemd. */
export type SystemctlRunner = (args: string[]) => Promise<{ exitCode: number; stdout: string; stderr: string }>;

export const systemctlUser: SystemctlRunner = async (args) => {
  const { execa } = await import("execa");
  const result = await execa("systemctl", ["--user", ...args], { reject: false, all: false });
  return { exitCode: result.exitCode ?? 1, stdout: String(result.stdout), stderr: String(result.stderr) };
};

/** `$XDG_CONFIG_HOME/systemd/user/oomi-bridge.service`, else under `~/.config`. */
export function serviceUnitPath(env: Env): string {
  const config = env.XDG_CONFIG_HOME || join(env.HOME ?? "", ".config");
  return join(config, "systemd", "user", SERVICE_UNIT);
}

/** A systemd value: quoted, with `\` `"` `%` escaped, so paths with spaces or `%` read back as written. */
const unitWord = (value: string) => `"${value.replaceAll("\\", "\\\\").replaceAll('"', '\\"').replaceAll("%", "%%")}"`;

/** Variables the bridge reads that the unit passes on; none is a secret (the token stays in the state file). */
const PASSED_ON = [
  "HOME",
  "PATH",
  "OPENCLAW_HOME",
  "OPENCLAW_WORKSPACE",
  "OPENCLAW_PERSONAS_DIR",
  "OOMI_BACKEND_URL",
  "OOMI_PERSONA_BIND_HOST",
  "OOMI_PERSONA_PUBLIC_HOST",
];

/** The unit: `node <cli> openclaw bridge run`, restarted on failure, started with the user's session. */
export function serviceUnit(nodePath: string, cliPath: string, env: Env): string {
  const environment = PASSED_ON.filter((name) => env[name]).map((name) => `Environment=${unitWord(`${name}=${env[name]}`)}`);
  return [
    "[Unit]",
    "Description=Oomi bridge (oomi openclaw bridge run): persona jobs for this OpenClaw machine",
    "After=network-online.target",
    "",
    "[Service]",
    `ExecStart=${[nodePath, cliPath, "openclaw", "bridge", "run"].map(unitWord).join(" ")}`,
    ...environment,
    "Restart=on-failure",
    "RestartSec=5",
    "",
    "[Install]",
    "WantedBy=default.target",
    "",
  ].join("\n");
}

async function must(runner: SystemctlRunner, args: string[]): Promise<void> {
  const result = await runner(args);
  if (result.exitCode !== 0) {
    throw new OomiError(
      "SYSTEMCTL_FAILED",
      `systemctl --user ${args.join(" ")} failed (exit ${result.exitCode}): ${(result.stderr || result.stdout).trim() || "no output"}`,
    );
  }
}

/** `systemctl --user show` as a record of its `Key=value` lines. */
async function showUnit(runner: SystemctlRunner): Promise<Record<string, string>> {
  const result = await runner(["show", SERVICE_UNIT, "--property=LoadState,ActiveState,SubState,MainPID,ExecMainStatus"]);
  if (result.exitCode !== 0) return {};
  return Object.fromEntries(
    result.stdout
      .split("\n")
      .map((line) => line.split("="))
      .filter((parts) => parts.length >= 2)
      .map(([key, ...rest]) => [key as string, rest.join("=")]),
  );
}

export interface ServiceOptions {
  action: string;
  env: Env;
  cliPath: string;
  nodePath: string;
  platform: NodeJS.Platform;
  runner: SystemctlRunner;
  /** `install --no-start`: write and enable nothing more than the unit. */
  start?: boolean;
}

/** Installs, starts, stops, restarts, reports or removes the bridge's systemd user unit. */
export async function bridgeService(options: ServiceOptions): Promise<OomiBridgeServiceResult> {
  const action = options.action as ServiceAction;
  if (!SERVICE_ACTIONS.includes(action))
    throw invalidInput(`unknown service action ${options.action}; use one of ${SERVICE_ACTIONS.join(", ")}`);
  if (options.platform !== "linux") {
    throw new OomiError(
      "SERVICE_UNSUPPORTED",
      `the bridge service is a systemd user unit (Linux); on ${options.platform} run \`oomi openclaw bridge start\` instead`,
    );
  }
  const unitPath = serviceUnitPath(options.env);
  const runner = options.runner;
  let started = false;
  if (action === "install") {
    // Without pairing the unit would restart forever on a missing token.
    if (!(await readBridgeState(options.env))) {
      throw new OomiError("NOT_PAIRED", "pair this machine first: `oomi openclaw pair --no-start`, then install the service");
    }
    await writeFileAtomic(unitPath, serviceUnit(options.nodePath, options.cliPath, options.env));
    await must(runner, ["daemon-reload"]);
    await must(runner, ["enable", SERVICE_UNIT]);
    if (options.start !== false) {
      await must(runner, ["start", SERVICE_UNIT]);
      started = true;
    }
  } else if (action === "uninstall") {
    if (existsSync(unitPath)) {
      // Stop and disable before the file goes; a unit systemd never loaded answers non-zero, which is fine here.
      await runner(["disable", "--now", SERVICE_UNIT]);
      rmSync(unitPath, { force: true });
      await must(runner, ["daemon-reload"]);
    }
  } else if (action !== "status") {
    if (!existsSync(unitPath))
      throw new OomiError("SERVICE_NOT_INSTALLED", "the bridge service is not installed: run `oomi openclaw bridge service install`");
    await must(runner, [action, SERVICE_UNIT]);
    started = action !== "stop";
  }
  const shown = existsSync(unitPath) ? await showUnit(runner) : {};
  const pid = Number(shown.MainPID ?? 0);
  const lastExit = shown.ExecMainStatus === undefined ? null : Number(shown.ExecMainStatus);
  return {
    ok: true,
    action,
    unit: SERVICE_UNIT,
    unitPath,
    installed: existsSync(unitPath),
    started,
    loaded: shown.LoadState === "loaded",
    running: shown.ActiveState === "active",
    activeState: shown.ActiveState ?? null,
    pid: pid > 0 ? pid : null,
    lastExitCode: Number.isInteger(lastExit) ? lastExit : null,
  };
}

/** The unit file as installed, for `status` readers and tests. */
export const readServiceUnit = (env: Env) => (existsSync(serviceUnitPath(env)) ? readFileSync(serviceUnitPath(env), "utf8") : null);
