import { describe, expect, it } from "vitest";
import {
  DEFAULT_SLOW_SECONDS,
  MAX_SLOW_SECONDS,
  MAX_TOOL_ARGUMENTS_CHARS,
  MAX_TOOL_ARGUMENTS_DEPTH,
  MAX_TOOL_NAME_CHARS,
  readIntent,
} from "./triggers.js";

describe("readIntent", () => {
  it("reads `call tool <name>` and `use tool <name>` anywhere, in any case", () => {
    expect(readIntent("please call tool clawbridge_status now")).toEqual({ kind: "call_tool", name: "clawbridge_status", args: {} });
    expect(readIntent("Use Tool kichi_join.")).toEqual({ kind: "call_tool", name: "kichi_join", args: {} });
  });

  it("takes the arguments after `with` as a JSON object", () => {
    expect(readIntent('call tool clawbridge_status with {"echo":"hi"}')).toEqual({
      kind: "call_tool",
      name: "clawbridge_status",
      args: { echo: "hi" },
    });
    expect(readIntent("call tool x with {oops}")).toMatchObject({
      kind: "bad_tool_arguments",
      name: "x",
      reason: expect.stringMatching(/not JSON/),
    });
    expect(readIntent("call tool x with [1]")).toEqual({ kind: "call_tool", name: "x", args: {} });
    expect(readIntent('call tool x with {"a":1} and {"b":2}')).toMatchObject({ kind: "bad_tool_arguments" });
  });

  it("runs long on `take your time` or `take N seconds`, within bounds", () => {
    expect(readIntent("Take your time, please")).toEqual({ kind: "take_time", seconds: DEFAULT_SLOW_SECONDS });
    expect(readIntent("take 12 seconds")).toEqual({ kind: "take_time", seconds: 12 });
    expect(readIntent("take 5 s")).toEqual({ kind: "take_time", seconds: 5 });
    expect(readIntent("take 0 seconds")).toEqual({ kind: "take_time", seconds: 1 });
    expect(readIntent("take 99999 seconds")).toEqual({ kind: "take_time", seconds: MAX_SLOW_SECONDS });
  });

  it("reads a kichi-forwarder bot conversation prompt and its bubbles", () => {
    const prompt = [
      "[Bot conversation]",
      'Ada: "Hello there, friend!"',
      'Bob the Bot: "Hi Ada"',
      "",
      "Reply with a short bubble (2-5 words). Do not repeat what has already been said. Output only the bubble text.",
    ].join("\n");
    expect(readIntent(prompt)).toEqual({ kind: "bot_conversation", bubbles: ["Hello there, friend!", "Hi Ada"] });
    expect(readIntent(`${prompt}\ncall tool x`)).toMatchObject({ kind: "bot_conversation" });
  });

  it("echoes anything else", () => {
    expect(readIntent("hello there")).toEqual({ kind: "echo", text: "hello there" });
    expect(readIntent("the tool call failed")).toEqual({ kind: "echo", text: "the tool call failed" });
  });
  it("item 1: refuses tool arguments too long or too deep to re-serialise, and over-long tool names, saying why", () => {
    const deep = (depth: number) => `{"a":${"[".repeat(depth)}${"]".repeat(depth)}}`;
    expect(readIntent(`call tool x with ${deep(MAX_TOOL_ARGUMENTS_DEPTH - 3)}`)).toMatchObject({ kind: "call_tool", name: "x" });
    expect(readIntent(`call tool x with ${deep(20_000)}`)).toEqual({
      kind: "bad_tool_arguments",
      name: "x",
      reason: `the text after "with" nests deeper than ${MAX_TOOL_ARGUMENTS_DEPTH} levels`,
    });
    expect(readIntent(`call tool x with {"a":"${"y".repeat(MAX_TOOL_ARGUMENTS_CHARS)}"}`)).toMatchObject({
      kind: "bad_tool_arguments",
      reason: `the text after "with" is longer than ${MAX_TOOL_ARGUMENTS_CHARS} characters`,
    });
    expect(readIntent(`call tool ${"n".repeat(MAX_TOOL_NAME_CHARS)}`)).toMatchObject({ kind: "call_tool" });
    expect(readIntent(`call tool ${"n".repeat(300_000)}`)).toEqual({
      kind: "bad_tool_arguments",
      name: `${"n".repeat(32)}…`,
      reason: `a tool name is at most ${MAX_TOOL_NAME_CHARS} characters`,
    });
  });

  it("item 1: reads bubbles by scanning, so a long line of quotes is one bubble, not quadratic work", () => {
    const line = ': "'.repeat(300_000);
    expect(readIntent(`[Bot conversation]\n${line}"\n\nReply.`)).toEqual({ kind: "bot_conversation", bubbles: [line.slice(3)] });
    expect(readIntent(`[Bot conversation]\n${line}x\n\nReply.`)).toEqual({ kind: "bot_conversation", bubbles: [] });
    expect(readIntent('[Bot conversation]\nAda: ""\nBo: "x"\nno quote\n: "\n\nReply.')).toEqual({
      kind: "bot_conversation",
      bubbles: ["", "x"],
    });
  });
});
