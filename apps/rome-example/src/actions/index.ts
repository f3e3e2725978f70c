import type { Notebook } from "../notes/notebook.js";
import { addNoteAction } from "./add-note.js";
import { deleteNoteAction } from "./delete-note.js";
import { showBoardAction } from "./show-board.js";

/** Every action of the example app, over one notebook. */
export function noteActions(notebook: Notebook) {
  return [addNoteAction(notebook), deleteNoteAction(notebook), showBoardAction(notebook)];
}
