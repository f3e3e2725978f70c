import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { KichiWorldIdentitiesFile } from "@clawbridge/contracts";
import { describe, expect, it } from "vitest";
import { IdentitiesFile } from "./identities-file.js";

/** A snapshot with `count` avatars, counting how often a write took one. */
function avatars(count: () => number) {
  let snapshots = 0;
  const snapshot = (): KichiWorldIdentitiesFile => {
    snapshots += 1;
    return {
      version: 1,
      avatars: Array.from({ length: count() }, (_, i) => ({
        avatarId: `a${i}`,
        authKey: `k${i}`,
        botName: "B",
        bio: "",
        tags: [],
        joinedAt: "2026-01-01T00:00:00Z",
      })),
    };
  };
  return { snapshot, snapshots: () => snapshots };
}

const savedCount = async (path: string) => (JSON.parse(await readFile(path, "utf8")) as KichiWorldIdentitiesFile).avatars.length;

describe("IdentitiesFile", () => {
  it("item 7: 100 saves in one turn share two writes, and each resolves only once its change is on disk", async () => {
    const path = join(await mkdtemp(join(tmpdir(), "kichi-ids-")), "ids.json");
    let count = 0;
    const { snapshot, snapshots } = avatars(() => count);
    const file = new IdentitiesFile(path, snapshot, () => {});
    const checks: Array<Promise<boolean>> = [];
    for (let i = 0; i < 100; i += 1) {
      count += 1;
      const expected = count;
      checks.push(file.save().then(async () => (await savedCount(path)) >= expected));
    }
    expect(await Promise.all(checks)).toEqual(Array(100).fill(true));
    expect(snapshots()).toBe(2);
    expect(await savedCount(path)).toBe(100);
  });

  it("a failed write rejects its callers and is logged once per write; the next save writes again", async () => {
    const dir = await mkdtemp(join(tmpdir(), "kichi-ids-"));
    await writeFile(join(dir, "blocked"), "a file where the folder should be");
    const lines: string[] = [];
    let count = 1;
    const { snapshot } = avatars(() => count);
    const file = new IdentitiesFile(join(dir, "blocked", "ids.json"), snapshot, (line) => lines.push(line));
    const results = await Promise.allSettled([file.save(), file.save(), file.save()]);
    expect(results.map((r) => r.status)).toEqual(["rejected", "rejected", "rejected"]);
    expect(lines.filter((line) => line.startsWith("could not save identities:"))).toHaveLength(2);
    await rm(join(dir, "blocked"));
    count = 2;
    await file.save();
    await file.settled();
    expect(await savedCount(join(dir, "blocked", "ids.json"))).toBe(2);
  });
});
