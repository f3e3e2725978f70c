import type { RomeActionInvocationErrorCode, RomeActionInvocationFailure } from "@clawbridge/contracts";

/**
 * The single failure shape of `runAction`: unknown action, args or result that cannot cross a process
 * boundary, a throwing handler, a dead worker. Same fields whichever process ran the action, so app code
 * never branches on transport. Domain rejections are `error` results, and cancellation is not wrapped.
 */
export class ActionInvocationError extends Error {
  override readonly name = "ActionInvocationError";
  readonly actionName: string;
  readonly code: RomeActionInvocationErrorCode;

  constructor(actionName: string, code: RomeActionInvocationErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.actionName = actionName;
    this.code = code;
  }

  /** The error as data, to send over an IPC channel. */
  toFailure(): RomeActionInvocationFailure {
    return { actionName: this.actionName, code: this.code, message: this.message };
  }

  static fromFailure(failure: RomeActionInvocationFailure): ActionInvocationError {
    return new ActionInvocationError(failure.actionName, failure.code, failure.message);
  }
}

export function isActionInvocationError(error: unknown): error is ActionInvocationError {
  return error instanceof ActionInvocationError;
}
