import { describe, expect, it } from "vitest";
import { ToolSearchCallResultSchema } from "../openclaw/tool-search.js";
import { ChatCompletionChunkSchema, ChatCompletionRequestSchema, OpenAIErrorBodySchema } from "./chat-completions.js";

/** The shape openclaw@2026.9.6 posts to an `openai-completions` provider (recorded, trimmed). */
const openClawRequest = {
  model: "clawbridge-demo",
  messages: [
    { role: "system", content: "You are a personal assistant running inside OpenClaw." },
    { role: "user", content: "[Sun 2026-11-29 09:28 UTC] hello\n\nRuntime: agent=main" },
    {
      role: "assistant",
      content: null,
      tool_calls: [{ id: "call1", type: "function", function: { name: "tool_call", arguments: '{"id":"clawbridge_status"}' } }],
    },
    { role: "tool", content: "Tool clawbridge_status not found", tool_call_id: "call1" },
    { role: "user", content: [{ type: "text", text: "<<<BEGIN_OPENCLAW_INTERNAL_CONTEXT>>>" }] },
  ],
  stream: true,
  stream_options: { include_usage: true },
  tools: [{ type: "function", function: { name: "tool_call", description: "Call a tool.", parameters: { type: "object" } } }],
  tool_choice: "auto",
  max_completion_tokens: 8192,
  store: false,
  prompt_cache_key: "session-1",
};

describe("OpenAI chat-completions contracts", () => {
  it("read the request OpenClaw sends and drop the fields meant for other backends", () => {
    const parsed = ChatCompletionRequestSchema.parse(openClawRequest);
    expect(parsed.messages.map((message) => message.role)).toEqual(["system", "user", "assistant", "tool", "user"]);
    expect(parsed).not.toHaveProperty("store");
    expect(
      ChatCompletionRequestSchema.safeParse({ ...openClawRequest, messages: [{ role: "user", content: [{ type: "image_url" }] }] }).success,
    ).toBe(true);
  });

  it("refuse wrong types with the path that is wrong", () => {
    const cases: Array<[unknown, string]> = [
      [{ ...openClawRequest, messages: [] }, "messages"],
      [{ ...openClawRequest, messages: [{ role: "tool", content: "x" }] }, "messages.0.tool_call_id"],
      [{ ...openClawRequest, messages: [{ role: "user", content: [{ type: "text" }] }] }, "messages.0.content.0.type"],
      [{ ...openClawRequest, stream: "yes" }, "stream"],
      [{ ...openClawRequest, model: 4 }, "model"],
    ];
    for (const [body, path] of cases) {
      const result = ChatCompletionRequestSchema.safeParse(body);
      expect(result.success).toBe(false);
      expect(result.error?.issues.map((issue) => issue.path.join("."))).toContain(path);
    }
  });

  it("describe stream chunks, the usage chunk and the error envelope", () => {
    const base = { id: "c", object: "chat.completion.chunk", created: 1, model: "m" };
    expect(
      ChatCompletionChunkSchema.safeParse({ ...base, choices: [{ index: 0, delta: { content: "hi" }, finish_reason: null }] }).success,
    ).toBe(true);
    expect(
      ChatCompletionChunkSchema.safeParse({ ...base, choices: [], usage: { prompt_tokens: 1, completion_tokens: 2, total_tokens: 3 } })
        .success,
    ).toBe(true);
    expect(ChatCompletionChunkSchema.safeParse({ ...base, choices: [{ index: 0, delta: {}, finish_reason: "done" }] }).success).toBe(false);
    expect(OpenAIErrorBodySchema.safeParse({ error: { message: "m", type: "invalid_request_error", code: null } }).success).toBe(true);
    expect(OpenAIErrorBodySchema.safeParse({ error: "m" }).success).toBe(false);
  });

  it("read the answer of OpenClaw's Tool Search tool_call", () => {
    const answer = {
      tool: { id: "openclaw:clawbridge:clawbridge_status", name: "clawbridge_status", source: "openclaw" },
      result: { content: [{ type: "text", text: '{"success":true}' }], details: { success: true } },
    };
    expect(ToolSearchCallResultSchema.parse(answer).tool.name).toBe("clawbridge_status");
    expect(ToolSearchCallResultSchema.safeParse({ tool: { id: "x" }, result: answer.result }).success).toBe(false);
  });
});
