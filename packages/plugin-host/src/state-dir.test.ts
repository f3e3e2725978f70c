import { mkdtemp, readdir, readFile, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { pluginStateDir, readJsonFile, removeStaleTempFiles, writeJsonAtomic } from "./state-dir.js";

const Identity = z.object({ avatarId: z.string(), authKey: z.string().optional() });

async function tempDir() {
  return mkdtemp(join(tmpdir(), "plugin-host-state-"));
}

describe("plugin state", () => {
  it("puts each plugin under <stateDir>/plugins/<id> and refuses odd ids", () => {
    expect(pluginStateDir("/state", "kichi-forwarder")).toBe("/state/plugins/kichi-forwarder");
    expect(() => pluginStateDir("/state", "../etc")).toThrow(/invalid plugin id/);
  });

  it("writes secrets 0600 atomically and reads them back validated", async () => {
    const dir = await tempDir();
    const path = join(dir, "agents", "main", "identity.json");
    await writeJsonAtomic(path, { avatarId: "a1", authKey: "k" }, { secret: true });
    expect((await stat(path)).mode & 0o777).toBe(0o600);
    expect(await readdir(join(dir, "agents", "main"))).toEqual(["identity.json"]);
    expect(await readJsonFile(path, Identity)).toEqual({ status: "ok", value: { avatarId: "a1", authKey: "k" } });
  });

  it("reports a missing file", async () => {
    expect(await readJsonFile(join(await tempDir(), "nope.json"), Identity)).toEqual({ status: "missing" });
  });

  it("sets aside a file that is not JSON or does not match the schema", async () => {
    const dir = await tempDir();
    const now = () => new Date("2026-01-02T03:04:05.000Z");
    const broken = join(dir, "broken.json");
    await writeFile(broken, "{not json");
    const first = await readJsonFile(broken, Identity, now);
    expect(first).toMatchObject({ status: "corrupt", reason: expect.stringMatching(/^invalid JSON/) });
    expect(await readFile(`${broken}.corrupt-2026-01-02T03-04-05-000Z`, "utf8")).toBe("{not json");

    const wrong = join(dir, "wrong.json");
    await writeFile(wrong, JSON.stringify({ avatarId: 42 }));
    const second = await readJsonFile(wrong, Identity, now);
    expect(second).toMatchObject({ status: "corrupt", reason: expect.stringContaining("avatarId") });
    expect(await readJsonFile(wrong, Identity)).toEqual({ status: "missing" });
  });
});

describe("removeStaleTempFiles", () => {
  it("removes the temp files a killed writer left beside the target, and nothing else", async () => {
    const dir = await mkdtemp(join(tmpdir(), "stale-"));
    const target = join(dir, "store.json");
    await writeJsonAtomic(target, { a: 1 });
    const stale = [`${target}.4242.a1b2c3d4e5f6.tmp`, `${target}.7.00ff.tmp`];
    for (const path of stale) await writeFile(path, "{");
    await writeFile(join(dir, "other.json.1.ab.tmp"), "{");
    await writeFile(`${target}.corrupt-2026`, "{");
    expect((await removeStaleTempFiles(target)).sort()).toEqual(stale.sort());
    expect((await readdir(dir)).sort()).toEqual(["other.json.1.ab.tmp", "store.json", "store.json.corrupt-2026"]);
    expect(await removeStaleTempFiles(join(dir, "missing", "x.json"))).toEqual([]);
  });
});
