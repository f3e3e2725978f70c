import { mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { type RunningGateway, startOpenClawGateway } from "@clawbridge/e2e-harness";
import { LocalHost } from "@clawbridge/plugin-host/local-host";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

// The built plugin installed into the real OpenClaw gateway: the Rome actions are called as tools over
// its /tools/invoke, and the same sequence of calls through LocalHost must answer the same.
const pluginDir = resolve(import.meta.dirname, "..");
const quiet = { info() {}, warn() {}, error() {}, debug() {} };

let gateway: RunningGateway;
let host: LocalHost;

interface Reply {
  status: number;
  body: any;
}

async function viaGateway(body: unknown): Promise<Reply> {
  return gateway.post("/tools/invoke", JSON.stringify(body), {
    authorization: `Bearer ${gateway.token}`,
    "content-type": "application/json",
  }) as Promise<Reply>;
}

async function viaLocalHost(body: unknown): Promise<Reply> {
  const response = await fetch(`${host.url}/tools/invoke`, {
    method: "POST",
    headers: { authorization: `Bearer ${host.token}`, "content-type": "application/json" },
    body: JSON.stringify(body),
  });
  return { status: response.status, body: await response.json() };
}

/** The two processes stamp notes with their own clocks; everything else must match exactly. */
function withoutTimestamps(reply: Reply): Reply {
  return JSON.parse(JSON.stringify(reply).replace(/\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z/g, "<timestamp>"));
}

beforeAll(async () => {
  gateway = await startOpenClawGateway({ plugins: [{ dir: pluginDir }] });
  host = new LocalHost({ stateDir: await mkdtemp(join(tmpdir(), "rome-example-parity-")), logger: quiet });
  await host.load(pluginDir);
  await host.start();
});

afterAll(async () => {
  await host?.stop();
  await gateway?.stop();
});

describe("rome-example in the real OpenClaw gateway", () => {
  it("installs the plugin with its three action tools", () => {
    expect(gateway.pluginIds).toContain("rome-example");
  });

  // One conversation with the notebook, in order: each step's state depends on the ones before.
  const steps: Array<[string, unknown, (reply: Reply) => void]> = [
    [
      "notes_add → ok with the note",
      { tool: "notes_add", args: { title: "Ship the runtime", tags: ["work"] }, sessionKey: "agent:main:notes" },
      (reply) =>
        expect(reply.body.result.details).toMatchObject({
          success: true,
          status: "ok",
          data: { note: { id: "note-1", title: "Ship the runtime", body: "", tags: ["work"], createdAt: expect.any(String) } },
        }),
    ],
    [
      "notes_add with a taken title → error",
      { tool: "notes_add", args: { title: "SHIP THE RUNTIME" } },
      (reply) =>
        expect(reply.body.result.details).toMatchObject({
          success: false,
          status: "error",
          error: expect.stringContaining("already exists"),
        }),
    ],
    [
      "notes_delete → approval pending with its id",
      { tool: "notes_delete", args: { noteId: "note-1" } },
      (reply) =>
        expect(reply.body.result.details).toMatchObject({
          success: true,
          status: "pending_approval",
          approvalId: "approval-1",
          message: expect.stringContaining("waiting for approval approval-1"),
        }),
    ],
    [
      "notes_show_board → the placement",
      { tool: "notes_show_board", args: { tag: "work" } },
      (reply) =>
        expect(reply.body.result.details).toEqual({
          success: true,
          status: "place_widget",
          placement: { appId: "rome-example", sessionScoped: true, route: "board", params: { tag: "work" } },
        }),
    ],
    [
      "invalid input → a readable success:false",
      { tool: "notes_delete", args: { noteId: 42 } },
      (reply) =>
        expect(reply.body.result.details).toMatchObject({
          success: false,
          status: "error",
          error: expect.stringMatching(/^Invalid input for notes_delete/),
        }),
    ],
    ["an action that is not there → 404", { tool: "notes_archive", args: {} }, (reply) => expect(reply.status).toBe(404)],
  ];

  for (const [label, body, check] of steps) {
    it(`${label}, and LocalHost answers the same`, async () => {
      const real = await viaGateway(body);
      check(real);
      expect(withoutTimestamps(await viaLocalHost(body))).toEqual(withoutTimestamps(real));
    });
  }
});
