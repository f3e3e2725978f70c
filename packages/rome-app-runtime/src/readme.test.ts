import { readFile } from "node:fs/promises";
import { resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { walkthrough } from "../examples/action-to-tool.js";

const packageDir = resolve(import.meta.dirname, "..");

describe("the README examples", () => {
  it("is the example file, verbatim", async () => {
    const readme = await readFile(resolve(packageDir, "README.md"), "utf8");
    const example = await readFile(resolve(packageDir, "examples/action-to-tool.ts"), "utf8");
    expect(readme).toContain(`\`\`\`ts\n${example}\`\`\``);
  });

  it("shows the OpenTelemetry bridge as the example file, verbatim", async () => {
    const readme = await readFile(resolve(packageDir, "README.md"), "utf8");
    const example = await readFile(resolve(packageDir, "examples/opentelemetry-bridge.ts"), "utf8");
    expect(readme).toContain(`\`\`\`ts\n${example}\`\`\``);
  });

  it("runs: an action from definition to tool", async () => {
    const outcome = await walkthrough();
    expect(outcome.added).toEqual({ status: "ok", data: { id: "task-1", title: "Water the plants", due: "2026-12-01" } });
    expect(outcome.rejected).toEqual({ status: "error", error: "a task needs something to do" });
    expect(outcome.invalid).toMatchObject({ status: "error", error: expect.stringContaining("Invalid input for tasks_add") });
    expect(outcome.failure).toBe("not_found");
    expect(outcome.toolName).toBe("tasks_add");
    expect(outcome.toolPayload).toEqual({ success: true, status: "ok", data: { id: "task-1", title: "Call the vet", due: null } });
  });
});
