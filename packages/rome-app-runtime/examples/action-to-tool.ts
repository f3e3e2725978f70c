import { type ActionInvocationError, createActionRegistry, defineAction, runAction, z } from "@clawbridge/rome-app-runtime";
import { actionToOpenClawTool } from "@clawbridge/rome-app-runtime/openclaw";

// 1. Define: the zod schema validates the input and generates the model-facing JSON Schema.
export const addTask = defineAction({
  config: {
    name: "tasks_add",
    type: "custom",
    description: "Add a task to the list.",
    complexity: "simple",
    speed: "fast",
    reliability: "high",
    sideEffects: "write",
  },
  schema: z.object({ title: z.string().min(1), due: z.iso.date().optional() }),
  execute: async ({ title, due }) => {
    if (title === "nothing") return { status: "error", error: "a task needs something to do" };
    return { status: "ok", data: { id: "task-1", title, due: due ?? null } };
  },
  preview: ({ title }) => ({ kind: "generic", title: "Add a task", summary: title }),
});

export async function walkthrough() {
  // 2. Run by name: domain outcomes are results, infrastructure failures throw ActionInvocationError.
  const registry = createActionRegistry([addTask]);
  const added = await runAction(registry, "tasks_add", { title: "Water the plants", due: "2026-12-01" });
  const rejected = await runAction(registry, "tasks_add", { title: "nothing" });
  const invalid = await runAction(registry, "tasks_add", { title: "" });
  const failure = await runAction(registry, "tasks_remove", {}).catch((error: ActionInvocationError) => error.code);

  // 3. Expose to an OpenClaw agent: in a plugin's register(api), `api.registerTool(tool)`.
  const tool = actionToOpenClawTool(addTask);
  const called = await tool.execute("call-1", { title: "Call the vet" });

  return { added, rejected, invalid, failure, toolName: tool.name, toolPayload: called.details };
}
