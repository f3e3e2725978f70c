import { mkdtemp, readFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { writeFileAtomic } from "@clawbridge/plugin-host";
import { afterEach, describe, expect, it } from "vitest";
import { type RunningOomiBackend, startOomiBackend } from "./server.js";
import { BackendStore, StoreUnavailableError, type StoreWriter } from "./store.js";

const device = { deviceId: "dev-a", deviceToken: "token-a-0123456789" };
const persona = (slug: string) => ({
  slug,
  name: slug,
  description: "",
  lifecycle: "pending" as const,
  templateType: "persona-app" as const,
  promptTemplateVersion: "v1",
  createdAt: "2026-01-01T00:00:00Z",
  runtime: null,
  failure: null,
});

/** A writer that fails while `failing` is set (as a full disk would) and writes through otherwise. */
function flakyWriter() {
  const state = { failing: false, attempts: 0 };
  const write: StoreWriter = async (path, text) => {
    state.attempts += 1;
    if (state.failing) throw Object.assign(new Error("no space left on device"), { code: "ENOSPC" });
    await writeFileAtomic(path, text, { secret: true });
  };
  return { state, write };
}

let running: RunningOomiBackend[] = [];
afterEach(async () => {
  await Promise.all(running.map((b) => b.stop()));
  running = [];
});

describe("BackendStore (item 6)", () => {
  it("item 6: a failed write rolls the change back and rejects; the next write works", async () => {
    const file = join(await mkdtemp(join(tmpdir(), "oomi-store-")), "store.json");
    const flaky = flakyWriter();
    const lines: string[] = [];
    const store = await BackendStore.open(file, { write: flaky.write, log: (line) => lines.push(line) });
    await store.mutate((data) => data.personas.set("kept", persona("kept")));
    flaky.state.failing = true;
    await expect(store.mutate((data) => data.personas.set("lost", persona("lost")))).rejects.toBeInstanceOf(StoreUnavailableError);
    expect([...store.data.personas.keys()]).toEqual(["kept"]);
    expect(lines).toEqual([`store ${file} could not be written (ENOSPC); the change was rolled back`]);
    flaky.state.failing = false;
    await store.mutate((data) => data.personas.set("next", persona("next")));
    expect(Object.keys(JSON.parse(await readFile(file, "utf8")).personas)).toEqual(["kept", "next"]);
  });

  it("item 6: a change that throws writes nothing and leaves the state as it was", async () => {
    const file = join(await mkdtemp(join(tmpdir(), "oomi-store-")), "store.json");
    const flaky = flakyWriter();
    const store = await BackendStore.open(file, { write: flaky.write });
    await expect(
      store.mutate((data) => {
        data.personas.set("half", persona("half"));
        throw new Error("refused halfway");
      }),
    ).rejects.toThrow("refused halfway");
    expect(store.data.personas.size).toBe(0);
    expect(flaky.state.attempts).toBe(0);
  });
});

describe("oomi-backend when the store cannot be written (item 6)", () => {
  it("item 6: a failed write answers 503 store_unavailable, keeps nothing, and a retried create is a 201 (not a 409)", async () => {
    const file = join(await mkdtemp(join(tmpdir(), "oomi-store-")), "store.json");
    const flaky = flakyWriter();
    const backend = await startOomiBackend({ dataFile: file, devices: [device], writeStoreFile: flaky.write });
    running.push(backend);
    const create = async () => {
      const response = await fetch(`${backend.url}/v1/personas/managed_create`, {
        method: "POST",
        headers: { authorization: `Bearer ${device.deviceToken}`, "content-type": "application/json" },
        body: JSON.stringify({ name: "Retry Me", description: "x" }),
      });
      return { status: response.status, body: await response.json() };
    };
    flaky.state.failing = true;
    expect(await create()).toEqual({
      status: 503,
      body: { code: "store_unavailable", error: "the change could not be saved and was not applied; retry" },
    });
    expect(backend.store.data.personas.size).toBe(0);
    expect(backend.store.data.messages).toEqual([]);
    flaky.state.failing = false;
    expect((await create()).status).toBe(201);
    const onDisk = JSON.parse(await readFile(file, "utf8"));
    expect(Object.keys(onDisk.personas)).toEqual(["retry-me"]);
    expect(Object.keys(onDisk.jobs)).toHaveLength(1);
    expect(onDisk.messages).toHaveLength(1);
  });
});
