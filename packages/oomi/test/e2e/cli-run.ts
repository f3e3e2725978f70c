import { existsSync, readFileSync } from "node:fs";
import { resolve } from "node:path";
import { execa } from "execa";
import { expect } from "vitest";
import { isPortFree } from "../../src/runtime/port.js";
import { isProcessAlive } from "../../src/runtime/process-group.js";

const packageDir = resolve(import.meta.dirname, "../..");
const { bin } = JSON.parse(readFileSync(resolve(packageDir, "package.json"), "utf8")) as { bin: { oomi: string } };
/** The built bin, as package.json declares it. */
export const CLI = resolve(packageDir, bin.oomi);

export interface CliRun {
  exitCode: number;
  stdout: string;
  stderr: string;
  /** The one JSON document a `--json` run printed. */
  json: Record<string, any>;
}

/** Runs the built `oomi` CLI as a user would, in the given environment only. */
export async function oomi(args: string[], env: Record<string, string>, cwd?: string): Promise<CliRun> {
  const result = await execa(process.execPath, [CLI, ...args], {
    env,
    extendEnv: false,
    reject: false,
    cwd: cwd ?? env.HOME,
    timeout: 180_000,
  });
  let json: Record<string, any> = {};
  if (args.includes("--json")) {
    const lines = result.stdout.trim().split("\n");
    if (lines.length !== 1) throw new Error(`expected one JSON document on stdout, got:\n${result.stdout}\nstderr:\n${result.stderr}`);
    json = JSON.parse(lines[0] as string);
  }
  return { exitCode: result.exitCode ?? -1, stdout: result.stdout, stderr: result.stderr, json };
}

/** `stop` ends the runtime's process and frees its port; `delete` removes the workspace. */
export async function expectStopThenDelete(
  slug: string,
  runtime: { pid: number; localPort: number },
  workspace: string,
  env: Record<string, string>,
) {
  const stop = await oomi(["personas", "stop", slug, "--json"], env);
  expect(stop.json).toMatchObject({ ok: true, wasRunning: true });
  expect(isProcessAlive(runtime.pid)).toBe(false);
  expect(await isPortFree(runtime.localPort)).toBe(true);
  const deleted = await oomi(["personas", "delete", slug, "--json"], env);
  expect(deleted.json).toMatchObject({ ok: true, removed: true });
  expect(existsSync(workspace)).toBe(false);
}
