import { expect } from "vitest";
import { ActionInvocationError } from "../src/invocation/action-invocation-error.js";

/** The `ActionInvocationError` a call rejects with (the test fails if it resolves or rejects otherwise). */
export async function invocationErrorOf(work: Promise<unknown>): Promise<ActionInvocationError> {
  const error = await work.then(
    () => undefined,
    (rejection: unknown) => rejection,
  );
  expect(error).toBeInstanceOf(ActionInvocationError);
  return error as ActionInvocationError;
}

/** A promise that settles the first time `notify` is called with `name`, for waiting on "the action began". */
export function firstStartOf(name?: string): { started: Promise<void>; notify: (started: string) => void } {
  let markStarted: () => void = () => {};
  const started = new Promise<void>((resolve) => {
    markStarted = resolve;
  });
  return { started, notify: (startedName) => (name === undefined || startedName === name ? markStarted() : undefined) };
}
