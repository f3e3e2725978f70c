import type { Action, ActionEvent, ActionExecutionContext } from "../types.js";
import { ActionInvocationError } from "./action-invocation-error.js";
import { isCancellation } from "./cancellation.js";
import { checkActionEvent } from "./events.js";

export interface DispatchOptions {
  signal?: AbortSignal;
  /** Called once the action is accepted and its body is about to run (in a worker: once the child says so). */
  onStarted?: () => void;
  /** Receives each event the body emits, in order, all before `dispatch` settles. */
  onEvent?: (event: ActionEvent) => void;
}

/**
 * Where actions run: in this process (`createActionRegistry`) or in a child (`forkActionWorker`).
 * `dispatch` answers with whatever the action returned, unchecked (`runAction` checks it), and rejects
 * with an `ActionInvocationError` or, on cancellation, with the signal's reason.
 */
export interface ActionRegistry {
  dispatch(name: string, args: Record<string, unknown>, options?: DispatchOptions): Promise<unknown>;
}

/** Actions run in the calling process, looked up by `config.name`. */
export class LocalActionRegistry implements ActionRegistry {
  readonly #actions = new Map<string, Action<any>>();

  constructor(actions: Iterable<Action<any>>) {
    for (const action of actions) {
      const name = action.config.name;
      if (this.#actions.has(name)) throw new Error(`two actions are named "${name}"`);
      this.#actions.set(name, action);
    }
  }

  get names(): string[] {
    return [...this.#actions.keys()];
  }

  get(name: string): Action<any> | undefined {
    return this.#actions.get(name);
  }

  /**
   * Not an `async` function: the body's own promise carries the run, with one pair of handlers, so a call
   * costs one promise hop. `then`, when given, maps the action's answer inside that same hop (runAction's
   * result check rides it); a throw there rejects the call as it is, unwrapped.
   */
  dispatch(name: string, args: Record<string, unknown>, options?: DispatchOptions): Promise<unknown>;
  dispatch<R>(name: string, args: Record<string, unknown>, options: DispatchOptions | undefined, then: (answer: unknown) => R): Promise<R>;
  dispatch(
    name: string,
    args: Record<string, unknown>,
    options: DispatchOptions = {},
    then?: (answer: unknown) => unknown,
  ): Promise<unknown> {
    const action = this.#actions.get(name);
    if (!action) {
      return Promise.reject(
        new ActionInvocationError(name, "not_found", `no action named "${name}" (known: ${this.names.join(", ") || "none"})`),
      );
    }
    const { onEvent, signal } = options;
    const context: ActionExecutionContext = {
      // Checked even when nobody listens, so a bad event fails the same way whoever calls.
      emitActionEvent: (event) => {
        const checked = checkActionEvent(name, event);
        onEvent?.(checked);
      },
    };
    if (signal) context.signal = signal;
    const failed = (error: unknown): never => {
      if (isCancellation(error, signal)) throw error;
      const detail = error instanceof Error ? error.message || error.name : String(error);
      throw new ActionInvocationError(name, "handler_error", `action "${name}" threw: ${detail}`, { cause: error });
    };
    try {
      options.onStarted?.();
    } catch (error) {
      // The caller's own callback: its failure is the caller's, passed back as is, and always as a rejection.
      return Promise.reject(error);
    }
    let answer: unknown;
    try {
      answer = action.execute(args, context);
    } catch (error) {
      return Promise.reject(error).catch(failed);
    }
    // A hand-built action may answer a plain value or a foreign thenable; either settles the same way.
    return Promise.resolve(answer).then(then, failed);
  }
}

export function createActionRegistry(actions: Iterable<Action<any>>): LocalActionRegistry {
  return new LocalActionRegistry(actions);
}
