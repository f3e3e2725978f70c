import { definePlugin } from "@clawbridge/plugin-host";
import { actionToOpenClawTool } from "@clawbridge/rome-app-runtime/openclaw";
import pkg from "../package.json" with { type: "json" };
import { APP_ID } from "./actions/config.js";
import { noteActions } from "./actions/index.js";
import { Notebook } from "./notes/notebook.js";

/**
 * The example Rome app as an OpenClaw plugin: a notebook whose three actions are registered as tools
 * through `actionToOpenClawTool`, so an agent meets `ok`, `pending_approval` and `place_widget` results.
 */
export default definePlugin({
  id: APP_ID,
  name: "Rome example: notebook",
  description: "An example Rome app: add notes, ask approval to delete one, and place the notes board widget.",
  version: pkg.version,
  register(api) {
    const notebook = new Notebook();
    for (const action of noteActions(notebook)) api.registerTool(actionToOpenClawTool(action));
  },
});
