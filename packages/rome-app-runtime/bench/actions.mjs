// The action the benchmark runs, as a plain module a worker child can load from the built package.
import { defineAction, z } from "../dist/index.js";

export const addNote = defineAction({
  config: {
    name: "notes_add",
    type: "custom",
    description: "Add a note.",
    complexity: "simple",
    speed: "fast",
    reliability: "high",
    sideEffects: "write",
  },
  schema: z.object({ title: z.string().min(1), body: z.string().default(""), tags: z.array(z.string()).default([]) }),
  execute: async (input) => ({ status: "ok", data: { id: "note-1", ...input } }),
});

export const actions = [addNote];
