import { describe, expect, it } from "vitest";
import { resolveHandbackHint } from "./handback-hint.js";

describe("resolveHandbackHint", () => {
  it("replaces every <childSessionId> token and nothing else", () => {
    expect(resolveHandbackHint("Call get_design({session: <childSessionId>}), then cite <childSessionId>.", "sess-42")).toBe(
      "Call get_design({session: sess-42}), then cite sess-42.",
    );
    expect(resolveHandbackHint("No token here; <childSession> stays.", "sess-42")).toBe("No token here; <childSession> stays.");
    expect(resolveHandbackHint("<childSessionId>", "$&")).toBe("$&");
  });
});
