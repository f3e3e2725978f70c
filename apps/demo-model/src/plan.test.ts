import { describe, expect, it } from "vitest";
import { openClawRequest, openClawTools } from "../test/openclaw-request.js";
import { DEFAULT_TOKEN_DELAY_MS, MAX_REPLY_CHARS, planReply, type ReplyPlan, SLOW_STEP_MS } from "./plan.js";

const textOf = (plan: ReplyPlan) => (plan.kind === "text" ? plan.tokens.map((token) => token.text).join("") : "");

describe("planReply", () => {
  it("calls a plugin tool through OpenClaw's Tool Search tool_call when it is not offered directly", () => {
    const plan = planReply(openClawRequest('call tool clawbridge_status with {"echo":"hi"}'));
    expect(plan).toMatchObject({ kind: "tool_call", name: "tool_call" });
    expect(JSON.parse((plan as { arguments: string }).arguments)).toEqual({ id: "clawbridge_status", args: { echo: "hi" } });
  });

  it("calls an offered tool directly, by its offered name", () => {
    const plan = planReply(openClawRequest("use tool CLAWBRIDGE_STATUS", { tools: openClawTools(["clawbridge_status", "tool_call"]) }));
    expect(plan).toMatchObject({ kind: "tool_call", name: "clawbridge_status", arguments: "{}" });
  });

  it("says why it cannot call a tool", () => {
    const none = planReply({ ...openClawRequest("call tool clawbridge_status"), tools: [] });
    expect(none).toMatchObject({ kind: "text", reason: "tool_unavailable" });
    expect(textOf(none)).toBe("I cannot call the tool clawbridge_status: this request offers no tools.");
    const other = planReply(openClawRequest("call tool x", { tools: openClawTools(["read"]) }));
    expect(textOf(other)).toBe("I cannot call the tool x: this request offers only read.");
    const refused = planReply({ ...openClawRequest("call tool read"), tool_choice: "none" });
    expect(textOf(refused)).toMatch(/tool_choice "none"/);
    expect(planReply(openClawRequest("call tool x with {"))).toMatchObject({ kind: "text", reason: "bad_tool_arguments" });
  });

  it("answers the tool's result once it comes back, instead of calling again", () => {
    const plan = planReply(
      openClawRequest("call tool clawbridge_status", {
        after: [
          {
            role: "assistant",
            content: null,
            tool_calls: [{ id: "c1", type: "function", function: { name: "clawbridge_status", arguments: "{}" } }],
          },
          { role: "tool", tool_call_id: "c1", content: '{"success":true}' },
        ],
      }),
    );
    expect(plan).toMatchObject({ kind: "text", reason: "tool_result", finishReason: "stop" });
    expect(textOf(plan)).toBe('The tool clawbridge_status returned: {"success":true}');
  });

  it("streams ordinary replies at the token pace and `take N seconds` one step a second", () => {
    const echo = planReply(openClawRequest("hello there"));
    expect(textOf(echo)).toBe('This is the clawbridge demo model, not an AI. You said: "hello there"');
    expect(echo.kind === "text" && echo.tokens.every((token) => token.delayMs === DEFAULT_TOKEN_DELAY_MS)).toBe(true);
    expect(planReply(openClawRequest("hi"), { tokenDelayMs: 0 })).toMatchObject({
      tokens: expect.arrayContaining([{ text: "This", delayMs: 0 }]),
    });

    const slow = planReply(openClawRequest("take 3 seconds"), { tokenDelayMs: 0 });
    expect(textOf(slow)).toBe("Taking my time (3 seconds), as asked: 1 2 3 Done.");
    const waits = slow.kind === "text" ? slow.tokens.map((token) => token.delayMs) : [];
    expect(waits.reduce((a, b) => a + b, 0)).toBe(3 * SLOW_STEP_MS);
  });

  it("answers a bot conversation with a short bubble", () => {
    const plan = planReply(openClawRequest('[Bot conversation]\nAda: "Hi"\n\nReply with a short bubble (2-5 words).'));
    expect(plan).toMatchObject({ kind: "text", reason: "bot_conversation" });
    expect(textOf(plan).split(" ").length).toBeLessThanOrEqual(5);
  });

  it("stops at the request's token limit with finish reason length", () => {
    const plan = planReply({ ...openClawRequest("hello there"), max_completion_tokens: 3 });
    expect(plan).toMatchObject({ kind: "text", finishReason: "length" });
    expect(textOf(plan)).toBe("This is the");
  });

  it("counts the prompt for usage", () => {
    expect(planReply(openClawRequest("hi")).promptTokens).toBeGreaterThan(10);
  });
  it("item 1: deeply nested tool arguments are a text answer, never a throw (a 500)", () => {
    const plan = planReply(openClawRequest(`call tool read with {"a":${"[".repeat(20_000)}${"]".repeat(20_000)}}`));
    expect(plan).toMatchObject({ kind: "text", reason: "bad_tool_arguments" });
  });

  it("item 1: a reply stays bounded whatever the request holds (huge tool names, thousands of tool results)", () => {
    const huge = "t".repeat(100_000);
    const offered = planReply(openClawRequest("call tool x", { tools: openClawTools([huge, huge]) }));
    const results = planReply(
      openClawRequest("call tool read", {
        after: [
          { role: "assistant", content: null, tool_calls: [{ id: "c", type: "function", function: { name: huge, arguments: "{}" } }] },
          ...Array.from({ length: 2_000 }, () => ({ role: "tool" as const, tool_call_id: "c", content: "r".repeat(1_000) })),
        ],
      }),
    );
    for (const plan of [offered, results]) {
      expect(plan.kind).toBe("text");
      expect(textOf(plan).length).toBeLessThanOrEqual(MAX_REPLY_CHARS + 1);
      expect(textOf(plan)).toMatch(/…$/);
    }
  });
});
