import { type ChildProcess, spawn } from "node:child_process";
import { resolve } from "node:path";

const WORLD_MAIN = resolve(import.meta.dirname, "../../../../apps/kichi-world/dist/main.js");

export interface WorldProcess {
  child: ChildProcess;
  port: number;
  host: string;
  url: string;
  /** Resolves when the process has exited. */
  exited: Promise<void>;
}

/** Starts `apps/kichi-world` as its own process (it must be built) and waits for its listening line. */
export function startWorldProcess(port: number, stateFile: string, timeoutMs = 15_000): Promise<WorldProcess> {
  const child = spawn(process.execPath, [WORLD_MAIN, "--port", String(port), "--state", stateFile], {
    stdio: ["ignore", "pipe", "pipe"],
  });
  const exited = new Promise<void>((done) => child.once("exit", () => done()));
  return new Promise((resolvePromise, reject) => {
    let out = "";
    let err = "";
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      reject(new Error(`kichi-world did not start within ${timeoutMs} ms: ${err}`));
    }, timeoutMs);
    child.stderr?.on("data", (d) => {
      err += String(d);
    });
    child.stdout?.on("data", (d) => {
      out += String(d);
      const match = /listening on http:\/\/127\.0\.0\.1:(\d+)/.exec(out);
      if (match) {
        clearTimeout(timer);
        const actual = Number(match[1]);
        resolvePromise({ child, port: actual, host: `127.0.0.1:${actual}`, url: `http://127.0.0.1:${actual}`, exited });
      }
    });
    child.once("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`kichi-world exited with ${code} before listening: ${err}`));
    });
  });
}

/** Polls `check` until it returns a value, failing after `timeoutMs`. */
export async function waitFor<T>(
  what: string,
  check: () => Promise<T | undefined> | T | undefined,
  timeoutMs = 10_000,
  everyMs = 25,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}
