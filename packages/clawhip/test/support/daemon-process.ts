import { type ChildProcess, spawn } from "node:child_process";
import { resolve } from "node:path";
import type { ClawhipHealth } from "@clawbridge/contracts";

export const CLI = resolve(import.meta.dirname, "../../dist/cli.js");

export interface DaemonProcess {
  url: string;
  child: ChildProcess;
  stderr: () => string;
  health(): Promise<ClawhipHealth>;
  /** Resolves with the exit code or signal once the process is gone. */
  exited: Promise<number | string | null>;
}

/** Starts the built `clawhip serve --json` and resolves once it printed its address. */
export function startDaemonProcess(args: string[], env: Record<string, string> = {}): Promise<DaemonProcess> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(process.execPath, [CLI, "serve", "--port", "0", "--json", ...args], {
      stdio: ["ignore", "pipe", "pipe"],
      env: { ...process.env, ...env },
    });
    let out = "";
    let err = "";
    const exited = new Promise<number | string | null>((r) => child.once("exit", (code, signal) => r(code ?? signal)));
    const timer = setTimeout(() => reject(new Error(`daemon did not start within 15 s: ${err}`)), 15_000);
    child.stderr?.on("data", (chunk: Buffer) => {
      err = (err + chunk.toString()).slice(-20_000);
    });
    child.stdout?.on("data", (chunk: Buffer) => {
      out += chunk.toString();
      const line = out.split("\n")[0] as string;
      if (!out.includes("\n")) return;
      clearTimeout(timer);
      const { url } = JSON.parse(line) as { url: string };
      resolvePromise({
        url,
        child,
        stderr: () => err,
        exited,
        health: async () => (await (await fetch(`${url}/health`)).json()) as never,
      });
    });
    child.once("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`daemon exited with ${code} before it was ready: ${err}`));
    });
  });
}

/** Polls `check` (bounded) until it returns true. */
export async function until(check: () => Promise<boolean> | boolean, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}
