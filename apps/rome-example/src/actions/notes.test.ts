import { createActionRegistry, runAction } from "@clawbridge/rome-app-runtime";
import { describe, expect, it } from "vitest";
import { Notebook } from "../notes/notebook.js";
import { noteActions } from "./index.js";

function setup() {
  const notebook = new Notebook({ now: () => new Date("2026-11-21T06:00:00.000Z") });
  const actions = noteActions(notebook);
  return { notebook, actions, registry: createActionRegistry(actions) };
}

describe("the notebook actions", () => {
  it("notes_add answers ok with the note, then an error for a taken title", async () => {
    const { registry } = setup();
    expect(await runAction(registry, "notes_add", { title: " Groceries ", tags: ["home"] })).toEqual({
      status: "ok",
      data: { note: { id: "note-1", title: "Groceries", body: "", tags: ["home"], createdAt: "2026-11-21T06:00:00.000Z" } },
    });
    expect(await runAction(registry, "notes_add", { title: "groceries" })).toEqual({
      status: "error",
      error: 'a note titled "Groceries" already exists (note-1); choose another title',
    });
    const invalid = await runAction(registry, "notes_add", { title: "", tags: ["Not OK"] });
    expect(invalid).toMatchObject({ status: "error", error: expect.stringMatching(/^Invalid input for notes_add: .*title.*tags/s) });
  });

  it("notes_delete asks for approval once per note and deletes nothing; unknown notes are an error", async () => {
    const { registry, notebook } = setup();
    await runAction(registry, "notes_add", { title: "Old plan" });
    const expected = {
      status: "pending_approval",
      approval: { approvalId: "approval-1", actionName: "notes_delete", description: 'Delete the note "Old plan" (note-1)' },
    };
    expect(await runAction(registry, "notes_delete", { noteId: "note-1" })).toEqual(expected);
    expect(await runAction(registry, "notes_delete", { noteId: "note-1" })).toEqual(expected);
    expect(notebook.pendingDeletions()).toEqual([{ approvalId: "approval-1", noteId: "note-1" }]);
    expect(notebook.get("note-1")?.title).toBe("Old plan");
    expect(await runAction(registry, "notes_delete", { noteId: "note-9" })).toEqual({
      status: "error",
      error: "no note note-9; notes_add returns the ids",
    });
  });

  it("notes_delete previews the note for the approval card", async () => {
    const { registry, actions } = setup();
    await runAction(registry, "notes_add", { title: "Old plan", tags: ["work", "q3"] });
    const preview = actions.find((action) => action.config.name === "notes_delete")?.preview;
    expect(preview?.({ noteId: "note-1" })).toEqual({
      kind: "generic",
      title: "Delete a note",
      summary: '"Old plan" will be deleted for good.',
      fields: [{ label: "Tags", value: "work, q3" }],
    });
    expect(preview?.({ noteId: "oops" })).toMatchObject({ title: "Invalid input" });
  });

  it("notes_show_board places the session-scoped board widget, filtered by a tag that exists", async () => {
    const { registry } = setup();
    expect(await runAction(registry, "notes_show_board", {})).toEqual({
      status: "place_widget",
      placement: { appId: "rome-example", sessionScoped: true, route: "board" },
    });
    expect(await runAction(registry, "notes_show_board", { tag: "home" })).toMatchObject({ status: "error" });
    await runAction(registry, "notes_add", { title: "Groceries", tags: ["home"] });
    expect(await runAction(registry, "notes_show_board", { tag: "home" })).toEqual({
      status: "place_widget",
      placement: { appId: "rome-example", sessionScoped: true, route: "board", params: { tag: "home" } },
    });
  });
});
