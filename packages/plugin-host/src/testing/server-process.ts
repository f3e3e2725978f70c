import { type ChildProcess, spawn } from "node:child_process";
import { createInterface } from "node:readline";
import { pathToFileURL } from "node:url";

/**
 * A built server run in a process of its own, so that a request that stalls or kills it fails the test
 * (a stalled server in the test's own process would stall the test with it) and its memory is its own.
 */
export interface ServerProcess {
  child: ChildProcess;
  port: number;
  /** `http://127.0.0.1:<port>` */
  url: string;
  /** The exit code (or signal) once the process has ended. */
  exited: Promise<number | string>;
  /** Everything the process wrote on stderr: the server's log. */
  stderr(): string;
  /** The sorted own names of `Object.prototype` inside the server's process. */
  prototypeNames(): Promise<string[]>;
}

export interface ServerProcessOptions {
  /** The built ES module (a file path) that exports the start function. */
  module: string;
  /**
   * The name of its start function: called with `options` and a `log` that writes to stderr, it
   * resolves once listening with an object whose `url` is `http://127.0.0.1:<port>`.
   */
  start: string;
  /** JSON options for the start function (limits and timeouts set small by the test). */
  options?: Record<string, unknown>;
  /** How long the server may take to listen; default 15 s. */
  timeoutMs?: number;
}

/** Starts `start(options)` of a built module in a child process and resolves once it listens. */
export function startServerProcess({ module, start, options = {}, timeoutMs = 15_000 }: ServerProcessOptions): Promise<ServerProcess> {
  if (!/^[A-Za-z_$][\w$]*$/.test(start)) throw new Error(`not a function name: ${start}`);
  // The child answers `prototype` on stdin, so a test can see that nothing a client sent wrote onto it.
  const script = `
    import { ${start} as start } from ${JSON.stringify(pathToFileURL(module).href)};
    import { createInterface } from "node:readline";
    const running = await start({ ...JSON.parse(process.argv[1]), log: (line) => process.stderr.write(line + "\\n") });
    process.stdout.write("listening on " + running.url + "\\n");
    createInterface({ input: process.stdin }).on("line", (line) => {
      if (line === "prototype") process.stdout.write("prototype " + JSON.stringify(Object.getOwnPropertyNames(Object.prototype).sort()) + "\\n");
    });
  `;
  const child = spawn(process.execPath, ["--input-type=module", "-e", script, JSON.stringify(options)], {
    stdio: ["pipe", "pipe", "pipe"],
  });
  let stderr = "";
  child.stderr.on("data", (chunk) => {
    stderr += String(chunk);
  });
  const exited = new Promise<number | string>((resolve) => child.once("exit", (code, signal) => resolve(code ?? signal ?? "?")));
  const prototypeWaiters: Array<(names: string[]) => void> = [];
  return new Promise((resolve, reject) => {
    const bound = setTimeout(() => {
      child.kill("SIGKILL");
      reject(new Error(`${start} did not listen within ${timeoutMs} ms: ${stderr}`));
    }, timeoutMs);
    child.once("exit", (code) => {
      clearTimeout(bound);
      reject(new Error(`${start} exited with ${code} before listening: ${stderr}`));
    });
    createInterface({ input: child.stdout }).on("line", (line) => {
      const listening = /^listening on (http:\/\/127\.0\.0\.1:(\d+))$/.exec(line);
      if (listening) {
        clearTimeout(bound);
        resolve({
          child,
          port: Number(listening[2]),
          url: listening[1] as string,
          exited,
          stderr: () => stderr,
          prototypeNames: () =>
            new Promise((resolveNames) => {
              prototypeWaiters.push(resolveNames);
              child.stdin.write("prototype\n");
            }),
        });
      }
      if (line.startsWith("prototype ")) prototypeWaiters.shift()?.(JSON.parse(line.slice("prototype ".length)));
    });
  });
}
