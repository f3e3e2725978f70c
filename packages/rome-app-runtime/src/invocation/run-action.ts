import { randomUUID } from "node:crypto";
import { RomeActionResultSchema } from "@clawbridge/contracts";
import type { ActionDispatchReceipt, ActionEvent, ActionInvocation, ActionResult } from "../types.js";
import { ActionInvocationError } from "./action-invocation-error.js";
import { untilAborted } from "./cancellation.js";
import { findUncrossable } from "./crossable.js";
import { EventQueue } from "./events.js";
import { type ActionRegistry, type DispatchOptions, LocalActionRegistry } from "./registry.js";

/** An ordinary run: the caller awaits the result (0.6.6's shape, plus our cancellation signal). */
export interface RunActionOptions {
  detached?: false;
  /** Cancels the run: `runAction` rejects with the signal's reason, unwrapped. */
  signal?: AbortSignal;
}

/** How a detached run ended: its result, or the invocation failure. */
export type DetachedRunOutcome =
  | { executionId: string; result: ActionResult }
  | { executionId: string; error: ActionInvocationError | Error };

/** A run whose lifetime is independent of the caller's: `runAction` answers once it is accepted. */
export interface DetachedRunActionOptions {
  detached: true;
  /** Receives the outcome. Without it, a failure becomes a `RomeDetachedActionWarning` process warning. */
  onSettled?: (outcome: DetachedRunOutcome) => void;
}

export interface InvokeActionOptions {
  signal?: AbortSignal;
  /** How many events may wait for the reader before the invocation's events overflow; 256 by default. */
  eventCapacity?: number;
}

/**
 * Runs an action by name and returns its `ActionResult`. Every failure to produce a result is an
 * `ActionInvocationError` with the same code whichever registry ran it: `not_found`, `unserializable`
 * (args or result that are not plain data), `handler_error` (the body threw or returned something that
 * is not an ActionResult), `worker_failure` (the worker process died). Cancellation passes through.
 *
 * With `{ detached: true }` it answers an `ActionDispatchReceipt` as soon as the action is accepted
 * (found, and its body started), and the outcome goes to `onSettled`.
 */
export function runAction<T = unknown>(
  registry: ActionRegistry,
  name: string,
  args?: Record<string, unknown>,
  options?: RunActionOptions,
): Promise<ActionResult<T>>;
export function runAction(
  registry: ActionRegistry,
  name: string,
  args: Record<string, unknown>,
  options: DetachedRunActionOptions,
): Promise<ActionDispatchReceipt>;
export function runAction<T = unknown>(
  registry: ActionRegistry,
  name: string,
  args: Record<string, unknown> = {},
  options: RunActionOptions | DetachedRunActionOptions = {},
): Promise<ActionResult<T> | ActionDispatchReceipt> {
  if (options.detached === true) return runDetached(registry, name, args, options);
  return invoke<T>(registry, name, args, options);
}

/**
 * Runs an action and lets the caller read the events it emits while it runs. `events` ends when the
 * action settles; `result` settles as `runAction`'s would.
 */
export function invokeAction<TEvent extends ActionEvent = ActionEvent, TOutput = unknown>(
  registry: ActionRegistry,
  name: string,
  args: Record<string, unknown> = {},
  options: InvokeActionOptions = {},
): ActionInvocation<TEvent, TOutput> {
  const events = new EventQueue<TEvent>(options.eventCapacity ?? 256);
  const dispatch: DispatchOptions = { onEvent: (event) => events.push(event as TEvent) };
  if (options.signal) dispatch.signal = options.signal;
  const result = invoke<TOutput>(registry, name, args, dispatch);
  result.then(
    () => events.end(),
    () => events.end(),
  );
  return { events, result };
}

/** A detached failure nobody asked to hear about is still never silent: it becomes a process warning. */
function warnUnobserved(name: string, outcome: { executionId: string; error: Error }): void {
  process.emitWarning(`detached action "${name}" (${outcome.executionId}) failed: ${outcome.error.message}`, "RomeDetachedActionWarning");
}

function runDetached(
  registry: ActionRegistry,
  name: string,
  args: Record<string, unknown>,
  options: DetachedRunActionOptions,
): Promise<ActionDispatchReceipt> {
  const executionId = randomUUID();
  return new Promise((accept, refuse) => {
    let accepted = false;
    const settle = (outcome: DetachedRunOutcome) => {
      if (options.onSettled) options.onSettled(outcome);
      else if ("error" in outcome) warnUnobserved(name, outcome);
    };
    invoke(registry, name, args, {
      onStarted: () => {
        accepted = true;
        accept({ executionId });
      },
    }).then(
      (result) => settle({ executionId, result }),
      (error: unknown) => {
        const failure = error instanceof Error ? error : new Error(String(error));
        // Refused before it started (unknown action, bad args, dead worker): the caller hears it, not `onSettled`.
        if (!accepted) refuse(failure);
        else settle({ executionId, error: failure });
      },
    );
  });
}

/**
 * The one path every run takes. Not an `async` function: on the in-process fast path the only hop
 * between the action's promise and the caller is the result check. Whatever throws on the way (a
 * getter in the arguments, a registry that throws instead of rejecting) still comes out as a rejection.
 */
function invoke<T>(
  registry: ActionRegistry,
  name: string,
  args: Record<string, unknown>,
  options: DispatchOptions,
): Promise<ActionResult<T>> {
  const { signal } = options;
  try {
    if (signal?.aborted) return Promise.reject(signal.reason);
    const badArgs = findUncrossable(args, "args");
    if (badArgs) {
      return Promise.reject(
        new ActionInvocationError(name, "unserializable", `arguments of "${name}" cannot cross a process boundary: ${badArgs}`),
      );
    }
    const check = (result: unknown) => checkResult<T>(name, result);
    // In this process the check rides the body's own promise hop; a worker's answer takes one more.
    const checked =
      registry instanceof LocalActionRegistry
        ? registry.dispatch(name, args, options, check)
        : registry.dispatch(name, args, options).then(check);
    return untilAborted(checked, signal);
  } catch (error) {
    return Promise.reject(error);
  }
}

/** The result must be plain data and an ActionResult; anything else is the action's failure, not a result. */
function checkResult<T>(name: string, result: unknown): ActionResult<T> {
  const badResult = findUncrossable(result, "result");
  if (badResult) {
    throw new ActionInvocationError(name, "unserializable", `result of "${name}" cannot cross a process boundary: ${badResult}`);
  }
  const ok = okResult(result);
  if (ok) return ok as ActionResult<T>;
  const parsed = RomeActionResultSchema.safeParse(result);
  if (!parsed.success) {
    const issues = parsed.error.issues.map((issue) => `${issue.path.join(".") || "(result)"}: ${issue.message}`).join("; ");
    throw new ActionInvocationError(name, "handler_error", `"${name}" returned something that is not an ActionResult: ${issues}`);
  }
  return parsed.data as ActionResult<T>;
}

/**
 * The `ok` envelope, built without zod: what `RomeActionResultSchema` answers for it (the status, and
 * `data` when the key is there, other keys dropped), at a fraction of the cost on the commonest result.
 * Anything else, `undefined`: the schema decides. A test holds the two to the same output.
 */
export function okResult(result: unknown): ActionResult | undefined {
  if (typeof result !== "object" || result === null || (result as { status?: unknown }).status !== "ok") return undefined;
  return "data" in result ? { status: "ok", data: result.data } : { status: "ok" };
}
