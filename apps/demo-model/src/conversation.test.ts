import { pick, seededRandom } from "@clawbridge/plugin-host/testing";
import { describe, expect, it } from "vitest";
import { INTERNAL_CONTEXT, openClawRequest, userMessage } from "../test/openclaw-request.js";
import { isInternalContext, turnOf, userWords } from "./conversation.js";

const toolSearchAnswer = JSON.stringify(
  {
    tool: { id: "openclaw:clawbridge:clawbridge_status", name: "clawbridge_status", source: "openclaw" },
    result: { content: [{ type: "text", text: '{"success":true,"echo":"e2e"}' }], details: { success: true, echo: "e2e" } },
  },
  null,
  2,
);

describe("turnOf", () => {
  it("reads the user's words without OpenClaw's arrival stamp, runtime paragraph and internal context", () => {
    expect(turnOf(openClawRequest("hello there").messages)).toEqual({ kind: "user", text: "hello there" });
    expect(isInternalContext(INTERNAL_CONTEXT)).toBe(true);
    expect(isInternalContext(userMessage("<<<BEGIN_OPENCLAW_INTERNAL_CONTEXT>>>"))).toBe(false);
    expect(userWords("two\n\nparagraphs")).toBe("two\n\nparagraphs");
  });

  it("unwraps a result of OpenClaw's Tool Search tool_call to the tool that ran and its own text", () => {
    const request = openClawRequest("call tool clawbridge_status", {
      after: [
        {
          role: "assistant",
          content: null,
          tool_calls: [
            { id: "call1", type: "function", function: { name: "tool_call", arguments: '{"id":"clawbridge_status","args":{}}' } },
          ],
        },
        { role: "tool", tool_call_id: "call1", content: toolSearchAnswer },
      ],
    });
    expect(turnOf(request.messages)).toEqual({
      kind: "tool_results",
      results: [{ toolName: "tool_call", targetName: "clawbridge_status", content: '{"success":true,"echo":"e2e"}' }],
    });
  });

  it("keeps a result in another shape whole, and reads every trailing result of a direct call", () => {
    const request = openClawRequest("x", {
      after: [
        {
          role: "assistant",
          content: "",
          tool_calls: [
            { id: "a", type: "function", function: { name: "tool_call", arguments: '{"id":"ghost"}' } },
            { id: "b", type: "function", function: { name: "read", arguments: "{}" } },
          ],
        },
        { role: "tool", tool_call_id: "a", content: "Tool ghost not found" },
        { role: "tool", tool_call_id: "b", content: [{ type: "text", text: "file text" }] },
      ],
    });
    expect(turnOf(request.messages)).toEqual({
      kind: "tool_results",
      results: [
        { toolName: "tool_call", targetName: "ghost", content: "Tool ghost not found" },
        { toolName: "read", content: "file text" },
      ],
    });
  });

  it("has no turn to answer without a user or tool message last", () => {
    expect(turnOf([{ role: "system", content: "s" }])).toEqual({ kind: "none" });
    expect(turnOf([INTERNAL_CONTEXT])).toEqual({ kind: "none" });
  });
});

describe("userWords", () => {
  // The patterns userWords used before it scanned instead: the reference for what it must still strip.
  const backtrackingUserWords = (text: string) =>
    text
      .replace(/\n\s*\nRuntime: [\s\S]*$/, "")
      .replace(/^\[[^\]\n]*\d{4}-\d{2}-\d{2}[^\]\n]*\]\s*/, "")
      .trim();

  it("item 1: strips exactly what the backtracking patterns stripped, on 5,000 generated messages", () => {
    const random = seededRandom(20261204);
    const pieces = ["\n", "\n", " ", "\t", "\r", "Runtime: ", "\nRuntime: x", "[", "]", "2026-11-29", "Sun", "09:28 UTC", "hi", "x"];
    for (let i = 0; i < 5_000; i += 1) {
      const text = Array.from({ length: Math.floor(random() * 14) }, () => pick(random, pieces)).join("");
      expect(userWords(text), JSON.stringify(text)).toBe(backtrackingUserWords(text));
    }
  });

  it("item 1: reads a megabyte of blank lines, dates or stamps (what made the patterns take quadratic time)", () => {
    expect(userWords(`hi${"\n".repeat(1_000_000)}there`)).toBe(`hi${"\n".repeat(1_000_000)}there`);
    expect(userWords(`[${"2026-01-01 ".repeat(100_000)}`)).toBe(`[${"2026-01-01 ".repeat(100_000)}`.trim());
    expect(userWords(`hi${"\n \n".repeat(300_000)}Runtime: x`)).toBe("hi");
    expect(userWords(`[Sun 2026-11-29 09:28 UTC] hi${"\n \n".repeat(300_000)}\nRuntime: agent=main`)).toBe("hi");
  });
});
