import { RomeActionResultSchema } from "@clawbridge/contracts";
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { testActionConfig as config } from "../../test/action-config.js";
import { invocationErrorOf } from "../../test/support.js";
import { defineAction } from "../define-action.js";
import type { Action } from "../types.js";
import { createActionRegistry } from "./registry.js";
import { okResult, runAction } from "./run-action.js";

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
  // Hand-built, as 0.3.0's docs allow, and not async: one answers a plain value, one throws outright.
  {
    config: config("sync-answer"),
    execute: () => ({ status: "ok", data: "at once" }),
  } as unknown as Action,
  {
    config: config("sync-throw"),
    execute: () => {
      throw new RangeError("thrown before any promise");
    },
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

  it("a body that answers or throws without a promise is a result or a handler_error all the same", async () => {
    expect(await runAction(registry, "sync-answer")).toEqual({ status: "ok", data: "at once" });
    expect(await registry.dispatch("sync-answer", {})).toEqual({ status: "ok", data: "at once" });
    const thrown = await invocationErrorOf(runAction(registry, "sync-throw"));
    expect(thrown).toMatchObject({ actionName: "sync-throw", code: "handler_error" });
    expect(thrown.message).toContain("thrown before any promise");
    expect(thrown.cause).toBeInstanceOf(RangeError);
  });

  it("dispatch always answers with a promise: an unknown name or a throwing onStarted rejects, never throws", async () => {
    const unknown = registry.dispatch("subtract", {});
    expect(unknown).toBeInstanceOf(Promise);
    await expect(unknown).rejects.toMatchObject({ code: "not_found" });
    const failing = registry.dispatch(
      "add",
      { a: 1, b: 2 },
      {
        onStarted: () => {
          throw new Error("the caller's callback failed");
        },
      },
    );
    expect(failing).toBeInstanceOf(Promise);
    await expect(failing).rejects.toThrow("the caller's callback failed");
  });

  it("refuses two actions with one name", () => {
    const action = registry.get("add") as Action;
    expect(() => createActionRegistry([action, action])).toThrow(/two actions are named "add"/);
  });
});

describe("okResult, the result check's fast path", () => {
  it("answers exactly what RomeActionResultSchema answers for every ok envelope", () => {
    const data = { id: "note-1", tags: ["a"] };
    const envelopes: unknown[] = [
      { status: "ok" },
      { status: "ok", data },
      { status: "ok", data: undefined },
      { status: "ok", data: null },
      { status: "ok", data: 0 },
      { status: "ok", data, extra: "dropped" },
      Object.assign(Object.create(null), { status: "ok", data }),
    ];
    for (const envelope of envelopes) {
      const parsed = RomeActionResultSchema.parse(envelope);
      const fast = okResult(envelope);
      expect(fast).toStrictEqual(parsed);
      expect(Object.keys(fast ?? {})).toEqual(Object.keys(parsed));
    }
  });

  it("leaves every other status, and what is not an envelope, to the schema", () => {
    for (const other of [{ status: "error", error: "no" }, { status: "handoff" }, { status: "OK" }, { data: 1 }, null, "ok", 1]) {
      expect(okResult(other)).toBeUndefined();
    }
  });
});
