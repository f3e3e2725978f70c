import { KichiNoteboardParamsSchema } from "@clawbridge/contracts";
import { type DefinedTool, defineTool } from "@clawbridge/plugin-host";
import type { OpenClawPluginToolContext } from "openclaw/plugin-sdk/plugin-entry";
import { normalizeNote } from "../validate/note.js";
import { type KichiToolDeps, rejected, withRuntime } from "./shared.js";

export function kichiNoteboardTool(deps: KichiToolDeps, ctx: OpenClawPluginToolContext): DefinedTool {
  return defineTool({
    name: "kichi_noteboard_create",
    label: "Kichi: pin a note",
    description:
      "Pin a note (at most 200 characters) on a notes board prop. Query first: pin only while canCreateNoteboardNote is true, and do not repeat the topic or wording of your own recent notes on that board (the server refuses an exact repeat with duplicate_note).",
    params: KichiNoteboardParamsSchema,
    execute: (params) =>
      withRuntime(deps, ctx, async (runtime) => {
        const note = normalizeNote(params.propId, params.data);
        if (!note.ok) return rejected(note);
        const sent = await runtime.createNote(note.value.propId, note.value.data);
        return { success: true, ...note.value, acknowledged: sent.acknowledged };
      }),
  });
}
