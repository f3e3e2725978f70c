import { type RomeWorkerReply, RomeWorkerRequestSchema } from "@clawbridge/contracts";
import { ActionInvocationError } from "../invocation/action-invocation-error.js";
import { isCancellation } from "../invocation/cancellation.js";
import { findUncrossable } from "../invocation/crossable.js";
import { createActionRegistry, type LocalActionRegistry } from "../invocation/registry.js";
import type { Action } from "../types.js";

// The action worker's child process: loads the module named on its command line, then runs the
// actions the parent asks for over the IPC channel, one reply per request.

function send(reply: RomeWorkerReply): void {
  process.send?.(reply);
}

function isAction(value: unknown): value is Action {
  const candidate = value as Action | undefined;
  return typeof candidate?.config?.name === "string" && typeof candidate.execute === "function";
}

async function load(moduleUrl: string): Promise<LocalActionRegistry> {
  const module = (await import(moduleUrl)) as { actions?: unknown; default?: unknown };
  const actions = module.actions ?? module.default;
  if (!Array.isArray(actions) || !actions.every(isAction)) {
    throw new Error("the module must export `actions` (or a default export): an array of actions");
  }
  return createActionRegistry(actions);
}

async function invoke(
  registry: LocalActionRegistry,
  id: number,
  name: string,
  args: Record<string, unknown>,
  signal: AbortSignal,
): Promise<void> {
  try {
    const result = await registry.dispatch(name, args, {
      signal,
      onStarted: () => send({ type: "started", id }),
      // IPC keeps order, so every event reaches the parent before the reply that settles the call.
      onEvent: (event) => send({ type: "event", id, event: { ...event } }),
    });
    const unserializable = findUncrossable(result, "result");
    if (unserializable) {
      const message = `result of "${name}" cannot cross a process boundary: ${unserializable}`;
      send({ type: "failed", id, failure: new ActionInvocationError(name, "unserializable", message).toFailure() });
      return;
    }
    send({ type: "settled", id, result });
  } catch (error) {
    if (isCancellation(error, signal)) return;
    const failure =
      error instanceof ActionInvocationError
        ? error.toFailure()
        : new ActionInvocationError(name, "handler_error", `action "${name}" failed: ${String(error)}`).toFailure();
    send({ type: "failed", id, failure });
  }
}

async function main(): Promise<void> {
  const moduleUrl = process.argv[2];
  if (!moduleUrl || !process.send) {
    console.error("usage: fork this file with an IPC channel and the action module URL as its argument");
    process.exit(2);
  }
  let registry: LocalActionRegistry;
  try {
    registry = await load(moduleUrl);
  } catch (error) {
    send({ type: "load_failed", message: error instanceof Error ? error.message : String(error) });
    process.disconnect?.();
    process.exitCode = 1;
    return;
  }
  const running = new Map<number, AbortController>();
  process.on("message", (raw: unknown) => {
    const parsed = RomeWorkerRequestSchema.safeParse(raw);
    if (!parsed.success) return;
    const request = parsed.data;
    if (request.type === "cancel") {
      running.get(request.id)?.abort(new DOMException("The action was cancelled", "AbortError"));
      return;
    }
    const controller = new AbortController();
    running.set(request.id, controller);
    void invoke(registry, request.id, request.name, request.args, controller.signal).finally(() => running.delete(request.id));
  });
  // The parent is gone: nobody can receive a result, so stop.
  process.on("disconnect", () => process.exit(0));
  send({ type: "ready", actions: registry.names });
}

void main();
