import { type ChildProcess, spawn } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";

/** Where Debian's `nats-server` package puts the binary (installed by scripts/setup-system.sh). */
export const NATS_SERVER = process.env.NATS_SERVER_BIN ?? "/usr/sbin/nats-server";

/** A free loopback port: bound on 0, read, released. nats-server then binds it itself. */
export function freePort(): Promise<number> {
  return new Promise((resolvePromise, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      const port = typeof address === "object" && address ? address.port : 0;
      server.close(() => resolvePromise(port));
    });
  });
}

export interface NatsServer {
  url: string;
  port: number;
  storeDir: string;
  /** Everything the server logged (it logs on stderr). */
  log(): string;
  /** Stops the server (SIGKILL when `hard`), keeping its store. */
  stop(hard?: boolean): Promise<void>;
  /** Starts it again on the same port and store. */
  restart(): Promise<void>;
  /** Stops it and removes the store. */
  dispose(): Promise<void>;
}

/**
 * Runs a private `nats-server -js` on a free loopback port with a throwaway store directory, and
 * resolves once it says it is ready to take clients (bounded).
 */
export async function startNatsServer(options: { timeoutMs?: number; args?: string[] } = {}): Promise<NatsServer> {
  const storeDir = await mkdtemp(join(tmpdir(), "clawhip-nats-"));
  const port = await freePort();
  let child: ChildProcess | undefined;
  let log = "";

  const launch = () =>
    new Promise<void>((resolvePromise, reject) => {
      const spawned = spawn(NATS_SERVER, ["-js", "-a", "127.0.0.1", "-p", String(port), "-sd", storeDir, ...(options.args ?? [])], {
        stdio: ["ignore", "ignore", "pipe"],
      });
      child = spawned;
      const timeoutMs = options.timeoutMs ?? 20_000;
      const timer = setTimeout(() => {
        spawned.kill("SIGKILL");
        reject(new Error(`nats-server did not get ready within ${timeoutMs} ms: ${log.slice(-2000)}`));
      }, timeoutMs);
      spawned.once("error", (error) => {
        clearTimeout(timer);
        reject(new Error(`cannot run ${NATS_SERVER} (scripts/setup-system.sh installs it): ${error.message}`));
      });
      spawned.once("exit", (code) => {
        clearTimeout(timer);
        reject(new Error(`nats-server exited with ${code} before it was ready: ${log.slice(-2000)}`));
      });
      spawned.stderr?.on("data", (chunk: Buffer) => {
        log += chunk.toString();
        if (log.includes("Server is ready")) {
          clearTimeout(timer);
          resolvePromise();
        }
      });
    });

  const stop = async (hard = false) => {
    const running = child;
    child = undefined;
    if (!running || running.exitCode !== null || running.signalCode !== null) return;
    const exited = new Promise<void>((r) => running.once("exit", () => r()));
    running.kill(hard ? "SIGKILL" : "SIGTERM");
    await exited;
  };

  await launch();
  return {
    url: `nats://127.0.0.1:${port}`,
    port,
    storeDir,
    log: () => log,
    stop,
    restart: async () => {
      await stop();
      log = "";
      await launch();
    },
    dispose: async () => {
      await stop(true);
      await rm(storeDir, { recursive: true, force: true });
    },
  };
}
