import { RomeActionEventSchema } from "@clawbridge/contracts";
import type { ActionEvent } from "../types.js";
import { findUncrossable } from "./crossable.js";

/** The events of one invocation outgrew the buffer its caller had not drained. */
export class ActionInvocationEventOverflowError extends Error {
  override readonly name = "ActionInvocationEventOverflowError";
  readonly capacity: number;

  constructor(capacity: number) {
    super(`action invocation event buffer exceeded its capacity of ${capacity}`);
    this.capacity = capacity;
  }
}

/**
 * Checks an event an action body emits: an object with a non-empty string `type`, made of plain data
 * (it may cross to another process). A bad event is the body's bug, so it throws in the body.
 */
export function checkActionEvent(actionName: string, event: unknown): ActionEvent {
  const parsed = RomeActionEventSchema.safeParse(event);
  if (!parsed.success) throw new TypeError(`action "${actionName}" emitted an event without a string \`type\``);
  const reason = findUncrossable(event, "event");
  if (reason) throw new TypeError(`action "${actionName}" emitted an event that is not plain data: ${reason}`);
  return event as ActionEvent;
}

/**
 * A single-reader queue of events: `push` never blocks the action; the reader iterates until `end`.
 * Past `capacity` undrained events the queue stops taking more, and the reader, after the buffered
 * ones, gets an `ActionInvocationEventOverflowError` — a slow reader loses events visibly, never silently.
 */
export class EventQueue<T> implements AsyncIterable<T> {
  readonly #buffer: T[] = [];
  readonly #capacity: number;
  #ended = false;
  #overflow: ActionInvocationEventOverflowError | undefined;
  #wake: (() => void) | undefined;

  constructor(capacity: number) {
    if (!Number.isInteger(capacity) || capacity < 1) throw new RangeError(`event capacity must be a positive integer, not ${capacity}`);
    this.#capacity = capacity;
  }

  push(event: T): void {
    if (this.#ended) return;
    if (this.#buffer.length >= this.#capacity) {
      this.#overflow = new ActionInvocationEventOverflowError(this.#capacity);
      this.#ended = true;
    } else {
      this.#buffer.push(event);
    }
    this.#notify();
  }

  end(): void {
    this.#ended = true;
    this.#notify();
  }

  async *[Symbol.asyncIterator](): AsyncIterator<T> {
    for (;;) {
      const next = this.#buffer.shift();
      if (next !== undefined) {
        yield next;
        continue;
      }
      if (this.#overflow) throw this.#overflow;
      if (this.#ended) return;
      await new Promise<void>((resolve) => {
        this.#wake = resolve;
      });
    }
  }

  #notify(): void {
    const wake = this.#wake;
    this.#wake = undefined;
    wake?.();
  }
}
