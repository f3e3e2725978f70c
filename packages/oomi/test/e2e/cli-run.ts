import { resolve } from "node:path";
import { execa } from "execa";

export const CLI = resolve(import.meta.dirname, "../../dist/cli.js");

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
