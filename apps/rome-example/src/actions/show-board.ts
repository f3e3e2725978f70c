import { defineAction } from "@clawbridge/rome-app-runtime";
import { z } from "zod";
import type { Notebook } from "../notes/notebook.js";
import { APP_ID, noteActionConfig } from "./config.js";

export const ShowBoardInput = z.strictObject({
  tag: z
    .string()
    .regex(/^[a-z0-9-]{1,30}$/)
    .optional()
    .describe("Show only the notes with this tag"),
});

/** Places the notebook's board widget on the guardian's workspace; the turn goes on. */
export function showBoardAction(notebook: Notebook) {
  return defineAction({
    config: noteActionConfig({
      name: "notes_show_board",
      description: "Show the notes board on the guardian's workspace, optionally filtered by a tag.",
      sideEffects: "read-only",
    }),
    schema: ShowBoardInput,
    execute: async ({ tag }) => {
      if (tag !== undefined && notebook.withTag(tag).length === 0) {
        return { status: "error", error: `no note is tagged "${tag}"; add one with notes_add or show the whole board` };
      }
      return {
        status: "place_widget",
        placement: { appId: APP_ID, sessionScoped: true, route: "board", ...(tag ? { params: { tag } } : {}) },
      };
    },
  });
}
