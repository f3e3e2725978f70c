import { type ChildProcess, fork } from "node:child_process";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { type RomeWorkerReply, RomeWorkerReplySchema, type RomeWorkerRequest } from "@clawbridge/contracts";
import { ActionInvocationError } from "../invocation/action-invocation-error.js";
import type { ActionRegistry, DispatchOptions } from "../invocation/registry.js";

export interface ActionWorkerOptions {
  /** Path or file URL of an ES module exporting `actions` (or a default export): an array of `Action`s. */
  module: string;
  /** Bound on the wait for the child to load its actions. */
  startTimeoutMs?: number;
  /** Called when the child begins running an action (before its body runs). */
  onActionStart?: (name: string) => void;
  /** The child entry and its Node flags; by default the one shipped beside this module. */
  child?: { entry: string; execArgv: string[] };
}

interface PendingCall {
  name: string;
  options: DispatchOptions;
  resolve: (result: unknown) => void;
  reject: (error: unknown) => void;
}

/**
 * The child entry next to this module: `dist/worker/child.js` once built. Run from TypeScript sources
 * (tests, the `@clawbridge/source` condition), the child is TypeScript too and gets a loader for it.
 */
function defaultChild(): { entry: string; execArgv: string[] } {
  const here = fileURLToPath(import.meta.url);
  if (!here.endsWith(".ts")) return { entry: join(dirname(here), "worker", "child.js"), execArgv: [] };
  const tsx = pathToFileURL(createRequire(import.meta.url).resolve("tsx")).href;
  return { entry: join(dirname(here), "child.ts"), execArgv: ["--import", tsx, "--conditions=@clawbridge/source"] };
}

function moduleUrl(module: string): string {
  return module.startsWith("file:") ? module : pathToFileURL(module).href;
}

/**
 * Actions running in a child process over an IPC channel. Whatever happens to the child — killed,
 * crashed, exited, a malformed reply — every call in flight and every later call fails with
 * `worker_failure`; start a new worker to go on.
 */
export class ActionWorker implements ActionRegistry {
  readonly #child: ChildProcess;
  readonly #pending = new Map<number, PendingCall>();
  readonly #onActionStart: ((name: string) => void) | undefined;
  #nextId = 0;
  #death: string | undefined;
  #exited: Promise<void>;
  actions: string[] = [];

  private constructor(child: ChildProcess, onActionStart: ((name: string) => void) | undefined) {
    this.#child = child;
    this.#onActionStart = onActionStart;
    this.#exited = new Promise((resolve) => child.once("exit", () => resolve()));
    child.on("exit", (code, signal) => this.#fail(signal ? `was killed by ${signal}` : `exited with code ${code}`));
    child.on("error", (error) => this.#fail(`failed: ${error.message}`));
  }

  /** Forks the child, loads the module there and resolves once its actions are ready. */
  static async start(options: ActionWorkerOptions): Promise<ActionWorker> {
    const { entry, execArgv } = options.child ?? defaultChild();
    const child = fork(entry, [moduleUrl(options.module)], {
      execArgv,
      serialization: "json",
      stdio: ["ignore", "inherit", "inherit", "ipc"],
    });
    const worker = new ActionWorker(child, options.onActionStart);
    await worker.#ready(options.module, options.startTimeoutMs ?? 15_000);
    return worker;
  }

  get pid(): number | undefined {
    return this.#child.pid;
  }

  /** Why the worker is gone, or `undefined` while it runs. */
  get death(): string | undefined {
    return this.#death;
  }

  dispatch(name: string, args: Record<string, unknown>, options: DispatchOptions = {}): Promise<unknown> {
    if (this.#death) {
      return Promise.reject(new ActionInvocationError(name, "worker_failure", `action worker ${this.#death}; "${name}" cannot run`));
    }
    const { signal } = options;
    if (signal?.aborted) return Promise.reject(signal.reason);
    const id = this.#nextId++;
    return new Promise((resolve, reject) => {
      const onAbort = () => {
        if (!this.#pending.delete(id)) return;
        this.#send({ type: "cancel", id });
        reject(signal?.reason);
      };
      const settle =
        <V>(fn: (value: V) => void) =>
        (value: V) => {
          signal?.removeEventListener("abort", onAbort);
          fn(value);
        };
      this.#pending.set(id, { name, options, resolve: settle(resolve), reject: settle(reject) });
      signal?.addEventListener("abort", onAbort, { once: true });
      this.#send({ type: "invoke", id, name, args });
    });
  }

  /** Stops the child; calls still in flight fail with `worker_failure`. */
  async close(): Promise<void> {
    if (this.#child.exitCode === null && this.#child.signalCode === null) {
      this.#child.kill("SIGTERM");
      await this.#exited;
    }
  }

  #send(request: RomeWorkerRequest): void {
    if (!this.#child.connected) return;
    this.#child.send(request, (error) => {
      if (error) this.#fail(`lost its IPC channel: ${error.message}`);
    });
  }

  #ready(module: string, timeoutMs: number): Promise<void> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.#child.kill("SIGKILL");
        reject(new Error(`action worker for ${module} did not load within ${timeoutMs} ms`));
      }, timeoutMs);
      const done = (error?: Error) => {
        clearTimeout(timer);
        this.#child.off("exit", onExit);
        if (error) reject(error);
        else resolve();
      };
      const onExit = () => done(new Error(`action worker for ${module} ${this.#death ?? "exited"} before it was ready`));
      this.#child.once("exit", onExit);
      this.#child.on("message", (raw: unknown) => {
        const parsed = RomeWorkerReplySchema.safeParse(raw);
        if (!parsed.success) {
          this.#fail("sent a malformed reply");
          this.#child.kill("SIGKILL");
          return;
        }
        const reply = parsed.data;
        if (reply.type === "ready") {
          this.actions = reply.actions;
          done();
        } else if (reply.type === "load_failed") {
          done(new Error(`action worker could not load ${module}: ${reply.message}`));
        } else {
          this.#settle(reply);
        }
      });
    });
  }

  #settle(reply: Exclude<RomeWorkerReply, { type: "ready" | "load_failed" }>): void {
    const call = this.#pending.get(reply.id);
    if (!call) return;
    if (reply.type === "started") {
      this.#onActionStart?.(call.name);
      call.options.onStarted?.();
      return;
    }
    if (reply.type === "event") {
      call.options.onEvent?.(reply.event);
      return;
    }
    this.#pending.delete(reply.id);
    if (reply.type === "settled") call.resolve(reply.result);
    else call.reject(ActionInvocationError.fromFailure(reply.failure));
  }

  #fail(death: string): void {
    this.#death ??= death;
    for (const [id, call] of this.#pending) {
      this.#pending.delete(id);
      call.reject(new ActionInvocationError(call.name, "worker_failure", `action worker ${death} while "${call.name}" was running`));
    }
  }
}

export function forkActionWorker(options: ActionWorkerOptions): Promise<ActionWorker> {
  return ActionWorker.start(options);
}
