import { resolve } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { z } from "zod";
import { testActionConfig as config } from "../../test/action-config.js";
import { invocationErrorOf } from "../../test/support.js";
import { defineAction } from "../define-action.js";
import type { ActionEvent } from "../types.js";
import { type ActionWorker, forkActionWorker } from "../worker/action-worker.js";
import { ActionInvocationEventOverflowError } from "./events.js";
import { createActionRegistry } from "./registry.js";
import { type DetachedRunOutcome, invokeAction, runAction } from "./run-action.js";

interface Progress extends ActionEvent {
  type: "progress";
  n: number;
  of: number;
}

/** A gate the test opens by hand: what the action waits on, instead of time. */
function gate() {
  let open: () => void = () => undefined;
  const opened = new Promise<void>((resolve) => {
    open = resolve;
  });
  return { opened, open };
}

const hold = gate();
const registry = createActionRegistry([
  defineAction({
    config: config("count_up"),
    schema: z.object({ to: z.number().int().nonnegative() }),
    execute: async ({ to }, { emitActionEvent }) => {
      for (let n = 1; n <= to; n += 1) emitActionEvent<Progress>({ type: "progress", n, of: to });
      return { status: "ok", data: { counted: to } };
    },
  }),
  defineAction({
    config: config("bad_event"),
    schema: z.object({ kind: z.enum(["untyped", "function"]) }),
    execute: async ({ kind }, { emitActionEvent }) => {
      if (kind === "untyped") emitActionEvent({ n: 1 } as unknown as ActionEvent);
      else emitActionEvent({ type: "x", callback: () => 1 } as ActionEvent);
      return { status: "ok" };
    },
  }),
  defineAction({
    config: config("held"),
    schema: z.object({ fail: z.boolean() }),
    execute: async ({ fail }) => {
      await hold.opened;
      if (fail) throw new Error("the queue is gone");
      return { status: "ok", data: "later" };
    },
  }),
]);

describe("invokeAction", () => {
  it("streams the events a body emits, in order, then ends, with the result beside them", async () => {
    const invocation = invokeAction<Progress, { counted: number }>(registry, "count_up", { to: 3 });
    const events: Progress[] = [];
    for await (const event of invocation.events) events.push(event);
    expect(events).toEqual([1, 2, 3].map((n) => ({ type: "progress", n, of: 3 })));
    expect(await invocation.result).toEqual({ status: "ok", data: { counted: 3 } });
  });

  it("fails the body that emits an event with no string type or with non-plain data, as handler_error", async () => {
    const untyped = await invocationErrorOf(invokeAction(registry, "bad_event", { kind: "untyped" }).result);
    expect(untyped).toMatchObject({ code: "handler_error", message: expect.stringContaining("emitted an event without a string `type`") });
    const callback = await invocationErrorOf(runAction(registry, "bad_event", { kind: "function" }));
    expect(callback.message).toContain("event.callback is a function");
  });

  it("an unread event stream overflows visibly past its capacity, after the buffered events; the result is unharmed", async () => {
    const invocation = invokeAction<Progress>(registry, "count_up", { to: 5 }, { eventCapacity: 2 });
    expect(await invocation.result).toEqual({ status: "ok", data: { counted: 5 } });
    const read: number[] = [];
    const overflow = await (async () => {
      try {
        for await (const event of invocation.events) read.push(event.n);
      } catch (error) {
        return error;
      }
    })();
    expect(read).toEqual([1, 2]);
    expect(overflow).toBeInstanceOf(ActionInvocationEventOverflowError);
    expect(overflow).toMatchObject({ capacity: 2, message: "action invocation event buffer exceeded its capacity of 2" });
  });

  it("ends the events of an unknown action and rejects its result with not_found", async () => {
    const invocation = invokeAction(registry, "nope");
    expect(await invocationErrorOf(invocation.result)).toMatchObject({ code: "not_found" });
    const events: ActionEvent[] = [];
    for await (const event of invocation.events) events.push(event);
    expect(events).toEqual([]);
  });
});

describe("runAction detached", () => {
  it("answers a receipt once the action started, before it settles, and hands the outcome to onSettled", async () => {
    const outcomes: DetachedRunOutcome[] = [];
    let settled: () => void = () => undefined;
    const done = new Promise<void>((resolve) => {
      settled = resolve;
    });
    const receipt = await runAction(
      registry,
      "held",
      { fail: false },
      {
        detached: true,
        onSettled: (outcome) => {
          outcomes.push(outcome);
          settled();
        },
      },
    );
    expect(receipt.executionId).toMatch(/^[0-9a-f-]{36}$/);
    expect(outcomes).toEqual([]);
    hold.open();
    await done;
    expect(outcomes).toEqual([{ executionId: receipt.executionId, result: { status: "ok", data: "later" } }]);
  });

  it("refuses at once what never started: an unknown action, arguments that cannot cross", async () => {
    expect(await invocationErrorOf(runAction(registry, "nope", {}, { detached: true }))).toMatchObject({ code: "not_found" });
    expect(await invocationErrorOf(runAction(registry, "held", { fail: 1n }, { detached: true }))).toMatchObject({
      code: "unserializable",
    });
  });

  it("turns a failure nobody listens for into a process warning", async () => {
    const warned = new Promise<Error>((resolve) => process.once("warning", resolve));
    const receipt = await runAction(registry, "held", { fail: true }, { detached: true });
    const warning = await warned;
    expect(warning.name).toBe("RomeDetachedActionWarning");
    expect(warning.message).toBe(`detached action "held" (${receipt.executionId}) failed: action "held" threw: the queue is gone`);
  });
});

describe("action events from a worker", () => {
  const workers: ActionWorker[] = [];
  afterEach(async () => {
    await Promise.all(workers.splice(0).map((worker) => worker.close()));
  });

  it("cross the IPC channel in order before the result, and a detached run's receipt waits for the child's start", async () => {
    const worker = await forkActionWorker({ module: resolve(import.meta.dirname, "../../test/fixtures/worker-actions.ts") });
    workers.push(worker);
    const invocation = invokeAction<Progress>(worker, "count_up", { to: 4 });
    const seen: number[] = [];
    for await (const event of invocation.events) seen.push(event.n);
    expect(seen).toEqual([1, 2, 3, 4]);
    expect(await invocation.result).toEqual({ status: "ok", data: { counted: 4 } });

    const dated = await invocationErrorOf(runAction(worker, "emit_date"));
    expect(dated).toMatchObject({ code: "handler_error", message: expect.stringContaining("event.at is a Date object") });

    const outcome = new Promise<DetachedRunOutcome>((resolve) => {
      void runAction(worker, "count_up", { to: 1 }, { detached: true, onSettled: resolve });
    });
    expect(await outcome).toMatchObject({ result: { status: "ok", data: { counted: 1 } } });
    expect(await invocationErrorOf(runAction(worker, "nope", {}, { detached: true }))).toMatchObject({ code: "not_found" });
  });
});
