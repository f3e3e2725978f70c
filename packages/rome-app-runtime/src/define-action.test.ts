import { describe, expect, expectTypeOf, it } from "vitest";
import { z } from "zod";
import { defineAction } from "./define-action.js";
import type { ActionConfig, ActionResult } from "./types.js";

const config: ActionConfig = {
  name: "rename_routine",
  type: "custom",
  description: "Rename a routine.",
  complexity: "simple",
  speed: "fast",
  reliability: "high",
  sideEffects: "write",
  requiresApproval: true,
};

const schema = z.object({
  routineId: z.string().min(1).describe("The routine to rename"),
  name: z.string().min(3).max(40),
  notify: z.boolean().default(false),
});

const rename = defineAction({
  config,
  schema,
  execute: async (input) => {
    expectTypeOf(input).toEqualTypeOf<{ routineId: string; name: string; notify: boolean }>();
    if (input.name === "taken") return { status: "error", error: "routine name already taken" };
    return { status: "ok", data: { routineId: input.routineId, name: input.name, notified: input.notify } };
  },
  preview: (input) => ({ kind: "generic", title: `Rename ${input.routineId}`, summary: `New name: ${input.name}` }),
});

describe("defineAction", () => {
  it("generates inputSchema from zod's output side, as upstream, without $schema", () => {
    expect(rename.inputSchema).toEqual({
      type: "object",
      properties: {
        routineId: { type: "string", minLength: 1, description: "The routine to rename" },
        name: { type: "string", minLength: 3, maxLength: 40 },
        notify: { type: "boolean", default: false },
      },
      required: ["routineId", "name", "notify"],
      additionalProperties: false,
    });
    expect(rename.inputSchema).not.toHaveProperty("$schema");
    expect(rename.config).toBe(config);
  });

  it("runs the body with parsed input (defaults applied) and keeps its data type", async () => {
    const result = await rename.execute({ routineId: "r1", name: "Morning digest" });
    expect(result).toEqual({ status: "ok", data: { routineId: "r1", name: "Morning digest", notified: false } });
    expectTypeOf(result).toEqualTypeOf<ActionResult<{ routineId: string; name: string; notified: boolean }>>();
    expect(await rename.execute({ routineId: "r1", name: "taken" })).toEqual({ status: "error", error: "routine name already taken" });
  });

  it("answers invalid input with an error result naming every bad field, never a throw", async () => {
    const result = await rename.execute({ routineId: "", name: 7, extra: true });
    expect(result.status).toBe("error");
    const { error } = result as { error: string };
    expect(error).toMatch(/^Invalid input for rename_routine: /);
    expect(error).toContain("→ at routineId");
    expect(error).toContain("→ at name");
    expect(error).toContain("expected string, received number");
    // A model's tool call is untyped JSON: arguments that are not an object at all still answer, never throw.
    await expect(rename.execute(undefined as unknown as Record<string, unknown>)).resolves.toMatchObject({
      status: "error",
      error: expect.stringContaining("expected object"),
    });
    await expect(rename.execute("not an object" as unknown as Record<string, unknown>)).resolves.toMatchObject({ status: "error" });
  });

  it("previews valid input with the app's preview and invalid input as 'Invalid input'", () => {
    expect(rename.preview?.({ routineId: "r1", name: "Evening" })).toEqual({
      kind: "generic",
      title: "Rename r1",
      summary: "New name: Evening",
    });
    const invalid = rename.preview?.({ routineId: "r1" });
    expect(invalid).toMatchObject({ kind: "generic", title: "Invalid input" });
    expect(invalid?.kind === "generic" && invalid.summary).toMatch(/^Invalid input for rename_routine: .*name/s);
  });

  it("has no preview when the spec gives none, and refuses a config that breaks the contract", () => {
    const plain = defineAction({ config, schema: z.object({}), execute: async () => ({ status: "ok" }) });
    expect(plain.preview).toBeUndefined();
    expect(() =>
      defineAction({ config: { ...config, speed: "instant" } as unknown as ActionConfig, schema, execute: async () => ({ status: "ok" }) }),
    ).toThrow(/action config is invalid: .*speed/s);
  });

  it("refuses at definition an input schema JSON Schema cannot express, with zod's reason", () => {
    const define = (input: z.ZodType) => () => defineAction({ config, schema: input, execute: async () => ({ status: "ok" }) });
    expect(define(z.object({ when: z.date() }))).toThrow(
      /^action "rename_routine": its input schema cannot be expressed as JSON Schema for the model: Date cannot be represented in JSON Schema$/,
    );
    expect(define(z.object({ name: z.string().transform((name) => name.trim()) }))).toThrow(
      /Transforms cannot be represented in JSON Schema/,
    );
    expect(define(z.object({ n: z.bigint() }))).toThrow(/BigInt cannot be represented in JSON Schema/);
  });

  it("gives a directly called body a context whose events go nowhere", async () => {
    const action = defineAction({
      config,
      schema: z.object({}),
      execute: async (_input, context) => {
        context.emitActionEvent({ type: "progress", percent: 50 });
        return { status: "ok", data: typeof context.emitActionEvent };
      },
    });
    expect(await action.execute({})).toEqual({ status: "ok", data: "function" });
  });

  it("hands the cancellation signal to the body", async () => {
    const seen: (AbortSignal | undefined)[] = [];
    const action = defineAction({
      config,
      schema: z.object({}),
      execute: async (_input, context) => {
        seen.push(context.signal);
        return { status: "ok" };
      },
    });
    const controller = new AbortController();
    await action.execute({}, { signal: controller.signal, emitActionEvent: () => undefined });
    await action.execute({});
    expect(seen).toEqual([controller.signal, undefined]);
  });
});
