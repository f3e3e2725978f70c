import { mkdtemp, readdir, readFile, rm, stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { KichiWorldIdentitiesFileSchema } from "@clawbridge/contracts";
import { afterEach, describe, expect, it } from "vitest";
import WebSocket from "ws";
import { startMain, type WorldProcess } from "./support/world-process.js";
import { frameClient } from "./support/ws-client.js";

// Runs the built CLI: `pnpm --filter @clawbridge/kichi-world build` first.
const JOINS = 200;
let world: WorldProcess | undefined;
let dir: string | undefined;

afterEach(async () => {
  world?.child.kill("SIGKILL");
  await world?.exited;
  world = undefined;
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe("kichi-world process", () => {
  it(`item 7: ${JOINS} joins acknowledged right before kill -9 are all still valid after a restart`, async () => {
    dir = await mkdtemp(join(tmpdir(), "kichi-world-durable-"));
    const state = join(dir, "state", "identities.json");
    world = await startMain(["--port", "0", "--state", state]);
    const killed = world;

    const keys = new Map<string, string>();
    const unexpected: string[] = [];
    const socket = new WebSocket(world.wsUrl);
    await new Promise((resolve, reject) => {
      socket.once("open", resolve);
      socket.once("error", reject);
    });
    socket.on("error", () => {});
    socket.on("message", (data) => {
      const frame = JSON.parse(String(data));
      if (frame.type !== "join_ack" || frame.success !== true) {
        unexpected.push(String(data));
        return;
      }
      keys.set(frame.requestId, frame.authKey);
      // The moment the last ack arrives, the server dies without any chance to flush.
      if (keys.size === JOINS) killed.child.kill("SIGKILL");
    });
    for (let i = 0; i < JOINS; i += 1) {
      socket.send(
        JSON.stringify({ type: "join", requestId: `av-${i}`, avatarId: `av-${i}`, botName: `Bot ${i}`, bio: "b", tags: [], source: "t" }),
      );
    }
    expect(await killed.exited).toBe("SIGKILL");
    expect(unexpected).toEqual([]);
    expect(keys.size).toBe(JOINS);

    const text = await readFile(state, "utf8").catch(() => '{"version":1,"avatars":[]}');
    const saved = KichiWorldIdentitiesFileSchema.parse(JSON.parse(text));
    expect(new Map(saved.avatars.map((a) => [a.avatarId, a.authKey]))).toEqual(keys);
    expect((await stat(state)).mode & 0o777).toBe(0o600);
    expect((await stat(join(dir, "state"))).mode & 0o777).toBe(0o700);

    world = await startMain(["--port", "0", "--state", state]);
    // A write the kill interrupted may have left a temp file; the restart removes it.
    expect((await readdir(join(dir, "state"))).filter((name) => name.endsWith(".tmp"))).toEqual([]);

    const client = await frameClient(world.wsUrl);
    for (const [avatarId, authKey] of keys) client.send({ type: "rejoin", requestId: avatarId, avatarId, authKey });
    const answers = new Map<string, string>();
    for (let i = 0; i < JOINS; i += 1) {
      const frame = await client.next();
      answers.set(frame.requestId, frame.type);
    }
    expect([...answers.values()].filter((type) => type !== "rejoin_ack")).toEqual([]);
    expect(answers.size).toBe(JOINS);
    expect(world.stderr()).not.toMatch(/could not save/);
    for (const key of keys.values()) expect(world.stderr()).not.toContain(key);
    client.socket.close();
  });
});
