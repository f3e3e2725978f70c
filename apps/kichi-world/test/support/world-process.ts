import { type ChildProcess, spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { pathToFileURL } from "node:url";
import type { KichiWorldServerOptions } from "../../src/server.js";

const DIST = resolve(import.meta.dirname, "../../dist");

export interface WorldProcess {
  child: ChildProcess;
  port: number;
  url: string;
  wsUrl: string;
  /** Resolves with the exit code (or signal) once the process has ended. */
  exited: Promise<number | string>;
  stderr(): string;
  /** Resident and peak resident memory of the process, from /proc. */
  memory(): { rssBytes: number; peakBytes: number };
  /** The own property names of `Object.prototype` inside the server process (harness only). */
  prototypeNames(): Promise<string[]>;
}

/** Starts the built `kichi-world` CLI (`dist/main.js`) with `args`. */
export function startMain(args: string[]): Promise<WorldProcess> {
  return started(spawn(process.execPath, [resolve(DIST, "main.js"), ...args], { stdio: ["ignore", "pipe", "pipe"] }));
}

/**
 * Starts the built server in a process of its own through `startKichiWorld(options)`, so a test can set
 * the limits small. It answers `prototype` on stdin with `Object.prototype`'s own names, so a test can
 * see that nothing a client sent wrote onto it.
 */
export function startHarness(options: Omit<KichiWorldServerOptions, "log" | "now">): Promise<WorldProcess> {
  const script = `
    import { startKichiWorld } from ${JSON.stringify(pathToFileURL(resolve(DIST, "index.js")).href)};
    import { createInterface } from "node:readline";
    const running = await startKichiWorld({ ...JSON.parse(process.argv[1]), log: (line) => process.stderr.write(line + "\\n") });
    process.stdout.write("kichi-world listening on " + running.url + "\\n");
    createInterface({ input: process.stdin }).on("line", (line) => {
      if (line === "prototype") process.stdout.write("prototype " + JSON.stringify(Object.getOwnPropertyNames(Object.prototype)) + "\\n");
    });
  `;
  return started(
    spawn(process.execPath, ["--input-type=module", "-e", script, JSON.stringify(options)], { stdio: ["pipe", "pipe", "pipe"] }),
  );
}

function started(child: ChildProcess, timeoutMs = 15_000): Promise<WorldProcess> {
  let out = "";
  let err = "";
  const exited = new Promise<number | string>((done) => child.once("exit", (code, signal) => done(code ?? signal ?? "?")));
  const prototypeWaiters: Array<(names: string[]) => void> = [];
  child.stderr?.on("data", (chunk) => {
    err += String(chunk);
  });
  return new Promise((resolvePromise, reject) => {
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      reject(new Error(`kichi-world did not start within ${timeoutMs} ms: ${err}`));
    }, timeoutMs);
    child.once("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`kichi-world exited with ${code} before listening: ${err}`));
    });
    child.stdout?.on("data", (chunk) => {
      out += String(chunk);
      for (let nl = out.indexOf("\n"); nl >= 0; nl = out.indexOf("\n")) {
        const line = out.slice(0, nl);
        out = out.slice(nl + 1);
        const listening = /listening on http:\/\/127\.0\.0\.1:(\d+)/.exec(line);
        if (listening) {
          clearTimeout(timer);
          const port = Number(listening[1]);
          resolvePromise({
            child,
            port,
            url: `http://127.0.0.1:${port}`,
            wsUrl: `ws://127.0.0.1:${port}/ws/openclaw`,
            exited,
            stderr: () => err,
            memory: () => memoryOf(child.pid as number),
            prototypeNames: () =>
              new Promise((resolveNames) => {
                prototypeWaiters.push(resolveNames);
                child.stdin?.write("prototype\n");
              }),
          });
        }
        if (line.startsWith("prototype ")) prototypeWaiters.shift()?.(JSON.parse(line.slice("prototype ".length)));
      }
    });
  });
}

function memoryOf(pid: number): { rssBytes: number; peakBytes: number } {
  const status = readFileSync(`/proc/${pid}/status`, "utf8");
  const kib = (field: string) => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, "m").exec(status)?.[1]) * 1024;
  return { rssBytes: kib("VmRSS"), peakBytes: kib("VmHWM") };
}
