import { defineAction } from "@clawbridge/rome-app-runtime";
import { z } from "zod";
import type { Notebook } from "../notes/notebook.js";
import { noteActionConfig } from "./config.js";

export const DeleteNoteInput = z.strictObject({
  noteId: z
    .string()
    .regex(/^note-\d+$/, "a note id looks like note-3")
    .describe("The id notes_add returned"),
});

/**
 * Deleting loses data, so the guardian approves it first: the action answers `pending_approval` and
 * deletes nothing; the decision arrives later, out of band.
 */
export function deleteNoteAction(notebook: Notebook) {
  return defineAction({
    config: noteActionConfig({
      name: "notes_delete",
      description: "Ask the guardian to approve deleting a note. Nothing is deleted until they approve.",
      sideEffects: "write",
      requiresApproval: true,
    }),
    schema: DeleteNoteInput,
    execute: async ({ noteId }) => {
      const note = notebook.get(noteId);
      if (!note) return { status: "error", error: `no note ${noteId}; notes_add returns the ids` };
      const { approvalId } = notebook.requestDeletion(noteId);
      return {
        status: "pending_approval",
        approval: { approvalId, actionName: "notes_delete", description: `Delete the note "${note.title}" (${noteId})` },
      };
    },
    preview: ({ noteId }) => {
      const note = notebook.get(noteId);
      return {
        kind: "generic",
        title: "Delete a note",
        summary: note ? `"${note.title}" will be deleted for good.` : `${noteId} does not exist.`,
        fields: note ? [{ label: "Tags", value: note.tags.join(", ") || "none" }] : [],
      };
    },
  });
}
