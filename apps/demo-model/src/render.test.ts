import { ChatCompletionChunkSchema, ChatCompletionSchema } from "@clawbridge/contracts";
import { describe, expect, it } from "vitest";
import { openClawRequest } from "../test/openclaw-request.js";
import { planReply } from "./plan.js";
import { completionOf, durationOf, type ReplyMeta, streamOf } from "./render.js";

const meta: ReplyMeta = {
  id: "chatcmpl-demo-1",
  created: 1_800_000_000,
  model: "clawbridge-demo",
  toolCallId: "call1",
  includeUsage: true,
};

describe("streamOf", () => {
  it("streams a text reply as role, one chunk per token, finish, usage; every chunk matches the contract", () => {
    const plan = planReply(openClawRequest("hello there"));
    const chunks = streamOf(plan, meta).map(({ chunk }) => ChatCompletionChunkSchema.parse(chunk));
    expect(chunks[0]?.choices[0]?.delta).toEqual({ role: "assistant", content: "" });
    const content = chunks.map((chunk) => chunk.choices[0]?.delta.content ?? "").join("");
    expect(content).toBe('This is the clawbridge demo model, not an AI. You said: "hello there"');
    expect(chunks.filter((chunk) => chunk.choices[0]?.delta.content).length).toBeGreaterThan(5);
    expect(chunks.at(-2)?.choices[0]?.finish_reason).toBe("stop");
    expect(chunks.at(-1)).toMatchObject({ choices: [], usage: { completion_tokens: expect.any(Number) } });
  });

  it("streams a tool call as its name first and its arguments in pieces, then finish reason tool_calls", () => {
    const plan = planReply(openClawRequest('call tool clawbridge_status with {"echo":"a long enough echo"}'));
    const chunks = streamOf(plan, { ...meta, includeUsage: false }).map(({ chunk }) => ChatCompletionChunkSchema.parse(chunk));
    expect(chunks[0]?.choices[0]?.delta.tool_calls).toEqual([
      { index: 0, id: "call1", type: "function", function: { name: "tool_call", arguments: "" } },
    ]);
    const args = chunks.flatMap((chunk) => chunk.choices[0]?.delta.tool_calls ?? []).map((call) => call.function.arguments ?? "");
    expect(args.length).toBeGreaterThan(2);
    expect(JSON.parse(args.join(""))).toEqual({ id: "clawbridge_status", args: { echo: "a long enough echo" } });
    expect(chunks.at(-1)?.choices[0]?.finish_reason).toBe("tool_calls");
  });
});

describe("completionOf", () => {
  it("answers the same reply whole, matching the contract", () => {
    const text = completionOf(planReply(openClawRequest("hello there")), meta);
    expect(ChatCompletionSchema.parse(text).choices[0]?.message.content).toMatch(/You said: "hello there"/);
    const call = ChatCompletionSchema.parse(completionOf(planReply(openClawRequest("call tool clawbridge_status")), meta));
    expect(call.choices[0]).toMatchObject({ finish_reason: "tool_calls", message: { content: null, tool_calls: [{ id: "call1" }] } });
  });

  it("takes as long as its stream would", () => {
    expect(durationOf(planReply(openClawRequest("take 2 seconds"), { tokenDelayMs: 0 }))).toBe(2000);
    expect(durationOf(planReply(openClawRequest("call tool x")))).toBe(0);
  });
});
