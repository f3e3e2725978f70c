import { describe, expect, it } from "vitest";
import { z } from "zod";
import { defineTool } from "./define-tool.js";

const tool = defineTool({
  name: "demo_move",
  label: "Demo move",
  description: "Move somewhere",
  params: z.strictObject({
    target: z.string().min(1).describe("Where to go"),
    speed: z.number().int().min(1).max(10).default(3),
    tags: z.array(z.string()).optional(),
  }),
  execute: ({ target, speed }) => ({ success: true, target, speed }),
});

function details(result: { details: unknown }) {
  return result.details as Record<string, unknown>;
}

describe("defineTool", () => {
  it("generates JSON Schema parameters from zod, without $schema and with defaults optional", () => {
    expect(tool.parameters).toMatchObject({
      type: "object",
      properties: {
        target: { type: "string", minLength: 1, description: "Where to go" },
        speed: { type: "integer", minimum: 1, maximum: 10, default: 3 },
        tags: { type: "array", items: { type: "string" } },
      },
      required: ["target"],
      additionalProperties: false,
    });
    expect(tool.parameters).not.toHaveProperty("$schema");
    expect(tool.label).toBe("Demo move");
  });

  it("validates, applies defaults and wraps the payload as text and details", async () => {
    const result = await tool.execute("call-1", { target: "desk" });
    expect(result.details).toEqual({ success: true, target: "desk", speed: 3 });
    expect(result.content).toEqual([{ type: "text", text: JSON.stringify(result.details) }]);
  });

  it("names each bad field in a success:false payload instead of throwing", async () => {
    const result = await tool.execute("call-2", { target: 5, speed: 99, extra: true });
    const payload = details(result);
    expect(payload.success).toBe(false);
    const paths = (payload.issues as Array<{ path: string }>).map((i) => i.path).sort();
    expect(paths).toEqual(["(arguments)", "speed", "target"]);
    expect(payload.error).toMatch(/^Invalid arguments for demo_move: /);
    expect(payload.error).toContain("target:");
    expect(payload.error).toContain("speed:");
    expect(payload.error).toContain("extra");
  });

  it("treats missing arguments as an empty object and reports what is required", async () => {
    const payload = details(await tool.execute("call-3", undefined));
    expect(payload.success).toBe(false);
    expect(payload.issues).toEqual([{ path: "target", message: expect.any(String) }]);
  });

  it("turns a thrown error into success:false with its message", async () => {
    const failing = defineTool({
      name: "demo_fail",
      label: "Demo fail",
      description: "Always fails",
      params: z.object({}),
      execute: () => {
        throw new Error("socket closed; call kichi_join again");
      },
    });
    const payload = details(await failing.execute("call-4", {}));
    expect(payload).toEqual({ success: false, error: "demo_fail failed: socket closed; call kichi_join again" });
  });

  it("passes the tool call id and abort signal through", async () => {
    const seen: unknown[] = [];
    const probe = defineTool({
      name: "demo_probe",
      label: "Probe",
      description: "Records its call",
      params: z.object({}),
      execute: (_params, call) => {
        seen.push(call.toolCallId, call.signal?.aborted);
        return { success: true };
      },
    });
    await probe.execute("call-5", {}, new AbortController().signal);
    expect(seen).toEqual(["call-5", false]);
  });

  it("rejects tool names OpenClaw would not accept", () => {
    expect(() =>
      defineTool({ name: "Bad-Name", label: "x", description: "x", params: z.object({}), execute: () => ({ success: true }) }),
    ).toThrow(/lowercase letters, digits and underscores/);
  });
});
