// An Action written by hand, without defineAction, reading its own arguments.
import type { Action, ActionResult } from "@rome-os/app-runtime";

export const echo: Action = {
  config: {
    name: "echo",
    type: "custom",
    description: "Answers with what it was given.",
    complexity: "simple",
    speed: "fast",
    reliability: "high",
    sideEffects: "read-only",
  },
  inputSchema: { type: "object", properties: { words: { type: "string" } }, required: ["words"] },
  async execute(args: Record<string, unknown>): Promise<ActionResult> {
    const words = args.words;
    if (typeof words !== "string") return { status: "error", error: "words must be a string" };
    return { status: "ok", data: words };
  },
  preview(args: Record<string, unknown>) {
    return { kind: "generic", title: "Echo", summary: String(args.words) };
  },
};
