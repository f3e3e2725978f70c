import { RomeActionResultSchema } from "@clawbridge/contracts";
import type { ActionResult } from "../types.js";
import { ActionInvocationError } from "./action-invocation-error.js";
import { untilAborted } from "./cancellation.js";
import { findUncrossable } from "./crossable.js";
import type { ActionRegistry } from "./registry.js";

export interface RunActionOptions {
  /** Cancels the run: `runAction` rejects with the signal's reason, unwrapped. */
  signal?: AbortSignal;
}

/**
 * Runs an action by name and returns its `ActionResult`. Every failure to produce a result is an
 * `ActionInvocationError` with the same code whichever registry ran it: `not_found`, `unserializable`
 * (args or result that are not plain data), `handler_error` (the body threw or returned something that
 * is not an ActionResult), `worker_failure` (the worker process died). Cancellation passes through.
 */
export async function runAction<T = unknown>(
  registry: ActionRegistry,
  name: string,
  args: Record<string, unknown> = {},
  options: RunActionOptions = {},
): Promise<ActionResult<T>> {
  options.signal?.throwIfAborted();
  const badArgs = findUncrossable(args, "args");
  if (badArgs) {
    throw new ActionInvocationError(name, "unserializable", `arguments of "${name}" cannot cross a process boundary: ${badArgs}`);
  }
  const result = await untilAborted(registry.dispatch(name, args, options), options.signal);
  const badResult = findUncrossable(result, "result");
  if (badResult) {
    throw new ActionInvocationError(name, "unserializable", `result of "${name}" cannot cross a process boundary: ${badResult}`);
  }
  const parsed = RomeActionResultSchema.safeParse(result);
  if (!parsed.success) {
    const issues = parsed.error.issues.map((issue) => `${issue.path.join(".") || "(result)"}: ${issue.message}`).join("; ");
    throw new ActionInvocationError(name, "handler_error", `"${name}" returned something that is not an ActionResult: ${issues}`);
  }
  return parsed.data as ActionResult<T>;
}
