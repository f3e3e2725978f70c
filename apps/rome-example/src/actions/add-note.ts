import { defineAction } from "@clawbridge/rome-app-runtime";
import { z } from "zod";
import type { Note, Notebook } from "../notes/notebook.js";
import { noteActionConfig } from "./config.js";

export const AddNoteInput = z.strictObject({
  title: z.string().trim().min(1).max(120).describe("Short title; unique in the notebook"),
  body: z.string().max(4000).default("").describe("The note itself"),
  tags: z
    .array(z.string().regex(/^[a-z0-9-]{1,30}$/, "tags are lowercase words joined by dashes"))
    .max(10)
    .default([])
    .describe("Tags to group notes on the board"),
});

/** Adds a note: `ok` with the note, or an `error` when the title is taken. */
export function addNoteAction(notebook: Notebook) {
  return defineAction({
    config: noteActionConfig({
      name: "notes_add",
      description: "Add a note to the notebook. Titles are unique; tags group notes on the board.",
      sideEffects: "write",
    }),
    schema: AddNoteInput,
    execute: async (input) => {
      const existing = notebook.findByTitle(input.title);
      if (existing) {
        return { status: "error", error: `a note titled "${existing.title}" already exists (${existing.id}); choose another title` };
      }
      const note: Note = notebook.add(input);
      return { status: "ok", data: { note } };
    },
  });
}
