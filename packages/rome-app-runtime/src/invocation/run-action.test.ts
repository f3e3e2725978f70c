import { describe, expect, it } from "vitest";
import { z } from "zod";
import { testActionConfig as config } from "../../test/action-config.js";
import { invocationErrorOf } from "../../test/support.js";
import { defineAction } from "../define-action.js";
import type { Action } from "../types.js";
import { createActionRegistry } from "./registry.js";
import { runAction } from "./run-action.js";

class Point {
  constructor(
    readonly x: number,
    readonly y: number,
  ) {}
}

const registry = createActionRegistry([
  defineAction({
    config: config("add"),
    schema: z.object({ a: z.number(), b: z.number() }),
    execute: async ({ a, b }) => ({ status: "ok", data: a + b }),
  }),
  defineAction({
    config: config("explode"),
    schema: z.object({}),
    execute: async () => {
      throw new TypeError("cannot read properties of undefined");
    },
  }),
  defineAction({
    config: config("point"),
    schema: z.object({}),
    execute: async () => ({ status: "ok", data: new Point(1, 2) }),
  }),
  defineAction({
    config: config("big"),
    schema: z.object({}),
    execute: async () => ({ status: "ok", data: { total: 10n } }),
  }),
  {
    config: config("shapeless"),
    execute: async () => ({ state: "done" }),
  } as unknown as Action,
  defineAction({
    config: config("slow"),
    schema: z.object({}),
    execute: (_input, { signal }) =>
      new Promise((resolve, reject) => {
        const timer = setTimeout(() => resolve({ status: "ok" }), 60_000);
        signal?.addEventListener("abort", () => {
          clearTimeout(timer);
          reject(signal.reason);
        });
      }),
  }),
  defineAction({
    config: config("deaf"),
    schema: z.object({}),
    execute: () => new Promise(() => {}),
  }),
]);

describe("runAction in process", () => {
  it("returns the action's result, typed by the caller", async () => {
    const result = await runAction<number>(registry, "add", { a: 2, b: 3 });
    expect(result).toEqual({ status: "ok", data: 5 });
    expect(await runAction(registry, "add", { a: "2", b: 3 })).toMatchObject({ status: "error" });
  });

  it("not_found for an unknown action, naming the known ones", async () => {
    const error = await invocationErrorOf(runAction(registry, "subtract", { a: 1, b: 1 }));
    expect(error).toMatchObject({ name: "ActionInvocationError", actionName: "subtract", code: "not_found" });
    expect(error.message).toContain("known: add, explode");
  });

  it("unserializable for args that are not plain data: a function, a cycle, a BigInt, a class instance", async () => {
    const cyclic: Record<string, unknown> = { a: 1 };
    cyclic.self = cyclic;
    const cases: [Record<string, unknown>, string][] = [
      [{ a: 1, b: () => 2 }, "args.b is a function"],
      [cyclic, "args.self is a cycle"],
      [{ a: 1n, b: 2 }, "args.a is a BigInt"],
      [{ a: new Point(1, 2), b: 1 }, "args.a is a Point object"],
      [{ a: [1, new Map()], b: 1 }, "args.a[1] is a Map object"],
      [{ a: Number.NaN, b: 1 }, "args.a is NaN"],
    ];
    for (const [args, reason] of cases) {
      const error = await invocationErrorOf(runAction(registry, "add", args));
      expect(error).toMatchObject({ actionName: "add", code: "unserializable" });
      expect(error.message).toContain(reason);
    }
    const shared = { n: 1 };
    expect(await runAction(registry, "add", { a: 1, b: 2, twice: [shared, shared] })).toEqual({ status: "ok", data: 3 });
  });

  it("unserializable for a result that is not plain data", async () => {
    expect(await invocationErrorOf(runAction(registry, "point"))).toMatchObject({
      code: "unserializable",
      message: expect.stringContaining("result.data is a Point"),
    });
    expect(await invocationErrorOf(runAction(registry, "big"))).toMatchObject({
      code: "unserializable",
      message: expect.stringContaining("result.data.total is a BigInt"),
    });
  });

  it("handler_error for a throwing body, keeping the cause, and for a result that is not an ActionResult", async () => {
    const thrown = await invocationErrorOf(runAction(registry, "explode"));
    expect(thrown).toMatchObject({ actionName: "explode", code: "handler_error" });
    expect(thrown.message).toContain("cannot read properties of undefined");
    expect(thrown.cause).toBeInstanceOf(TypeError);
    const shapeless = await invocationErrorOf(runAction(registry, "shapeless"));
    expect(shapeless).toMatchObject({ code: "handler_error", message: expect.stringContaining("not an ActionResult") });
  });

  it("passes cancellation through unwrapped, whether or not the body listens", async () => {
    for (const name of ["slow", "deaf"]) {
      const controller = new AbortController();
      const running = runAction(registry, name, {}, { signal: controller.signal });
      const reason = new DOMException("stopped by the user", "AbortError");
      controller.abort(reason);
      await expect(running).rejects.toBe(reason);
    }
    const aborted = AbortSignal.abort(new Error("already gone"));
    await expect(runAction(registry, "add", { a: 1, b: 1 }, { signal: aborted })).rejects.toThrow("already gone");
  });

  it("always answers with a promise: a getter that throws in the arguments is a rejection, not a throw", async () => {
    const args = {
      get a(): number {
        throw new Error("getter exploded");
      },
    };
    const running = runAction(registry, "add", args);
    expect(running).toBeInstanceOf(Promise);
    await expect(running).rejects.toThrow("getter exploded");
  });

  it("refuses two actions with one name", () => {
    const action = registry.get("add") as Action;
    expect(() => createActionRegistry([action, action])).toThrow(/two actions are named "add"/);
  });
});
