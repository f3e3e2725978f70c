import { describe, expect, it } from "vitest";
import { lastAssistantText, messageText, previewText } from "./preview.js";

describe("previewText", () => {
  it("keeps short text and collapses whitespace", () => {
    expect(previewText("  hello\n  world ", 20)).toBe("hello world");
  });
  it("cuts to the display width with an ellipsis", () => {
    expect(previewText("abcdefghijkl", 10)).toBe("abcdefghi…");
    expect(previewText("abcdefghij", 10)).toBe("abcdefghij");
  });
  it("counts wide characters twice", () => {
    expect(previewText("你好世界你好世界", 10)).toBe("你好世界…");
    expect(previewText("你好世界你", 10)).toBe("你好世界你");
  });
});

describe("assistant text", () => {
  it("reads string and block content, and finds the last assistant message", () => {
    expect(messageText({ content: [{ type: "text", text: "a" }, { type: "image" }, { type: "text", text: "b" }] })).toBe("a b");
    expect(
      lastAssistantText([
        { role: "assistant", content: "first" },
        { role: "user", content: "q" },
        { role: "assistant", content: "last" },
        { role: "user", content: "x" },
      ]),
    ).toBe("last");
    expect(lastAssistantText([])).toBe("");
  });
});
