import { mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { LocalHost } from "@clawbridge/plugin-host/local-host";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

// The built plugin folder, loaded the way a gateway loads it, called over POST /tools/invoke.
const pluginDir = resolve(import.meta.dirname, "..");
const quiet = { info() {}, warn() {}, error() {}, debug() {} };
let host: LocalHost;

async function invoke(tool: string, args: unknown = {}) {
  const response = await fetch(`${host.url}/tools/invoke`, {
    method: "POST",
    headers: { authorization: `Bearer ${host.token}`, "content-type": "application/json" },
    body: JSON.stringify({ tool, args }),
  });
  const body = (await response.json()) as { ok: boolean; result?: { details: Record<string, unknown> }; error?: unknown };
  return { status: response.status, body };
}

beforeAll(async () => {
  host = new LocalHost({ stateDir: await mkdtemp(join(tmpdir(), "rome-example-")), logger: quiet });
  await host.load(pluginDir);
  await host.start();
});

afterAll(async () => {
  await host?.stop();
});

describe("rome-example through LocalHost /tools/invoke", () => {
  it("adds a note (ok → success with data), then refuses the same title (error → success:false)", async () => {
    const added = await invoke("notes_add", { title: "Ship the runtime", body: "types, actions, tools", tags: ["work"] });
    expect(added.status).toBe(200);
    expect(added.body.ok).toBe(true);
    expect(added.body.result?.details).toMatchObject({
      success: true,
      status: "ok",
      data: { note: { id: "note-1", title: "Ship the runtime", tags: ["work"] } },
    });
    const again = await invoke("notes_add", { title: "ship the runtime" });
    expect(again.body.result?.details).toMatchObject({ success: false, status: "error", error: expect.stringContaining("already exists") });
  });

  it("asks approval to delete (pending_approval with its id)", async () => {
    const pending = await invoke("notes_delete", { noteId: "note-1" });
    expect(pending.body.result?.details).toMatchObject({
      success: true,
      status: "pending_approval",
      approvalId: "approval-1",
      approval: { approvalId: "approval-1", actionName: "notes_delete", description: 'Delete the note "Ship the runtime" (note-1)' },
    });
  });

  it("places the board widget (place_widget → success with the placement)", async () => {
    const board = await invoke("notes_show_board", { tag: "work" });
    expect(board.body.result?.details).toEqual({
      success: true,
      status: "place_widget",
      placement: { appId: "rome-example", sessionScoped: true, route: "board", params: { tag: "work" } },
    });
  });

  it("answers bad input with a readable success:false, never a crash", async () => {
    const bad = await invoke("notes_delete", { noteId: 42 });
    expect(bad.status).toBe(200);
    expect(bad.body.result?.details).toMatchObject({
      success: false,
      status: "error",
      error: expect.stringMatching(/^Invalid input for notes_delete: .*noteId/s),
    });
    // Like the gateway, the host hands non-object args to the tool as no arguments at all.
    const notObject = await invoke("notes_add", ["a list"]);
    expect(notObject.body.result?.details).toMatchObject({
      success: false,
      error: expect.stringMatching(/Invalid input for notes_add: .*title/s),
    });
    const unknown = await invoke("notes_archive", {});
    expect(unknown.status).toBe(404);
  });
});
