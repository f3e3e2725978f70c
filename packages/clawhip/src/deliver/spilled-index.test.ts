import { describe, expect, it } from "vitest";
import { keyHash, SpilledIndex } from "./spilled-index.js";

/** A deterministic generator (mulberry32), so a failure replays. */
function random(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** What the index must answer for a key: every offset recorded under a key of the same hash. */
function expected(model: Map<number, number[]>, key: string): number[] {
  return [...(model.get(keyHash(key)) ?? [])].sort((a, b) => a - b);
}

const sorted = (offsets: number[]) => [...offsets].sort((a, b) => a - b);

describe("SpilledIndex", () => {
  it("answers every offset of a key, several lines of one hash included, and forgets only the one removed", () => {
    const index = new SpilledIndex();
    index.add("e1|route|webhook|a", 0);
    index.add("e1|route|webhook|a", 500);
    index.add("e2|route|webhook|a", 1000);
    expect(sorted(index.offsetsOf("e1|route|webhook|a"))).toEqual([0, 500]);
    expect(index.offsetsOf("e3|route|webhook|a")).toEqual([]);
    index.remove("e1|route|webhook|a", 0);
    expect(index.offsetsOf("e1|route|webhook|a")).toEqual([500]);
    index.remove("e1|route|webhook|a", 12345);
    expect(index.size).toBe(2);
  });

  it("agrees with a plain Map of lists through 50,000 random adds and removes, growing and reusing removed slots", () => {
    const next = random(17);
    const index = new SpilledIndex();
    const model = new Map<number, number[]>();
    const live: Array<[string, number]> = [];
    let offset = 0;
    for (let step = 0; step < 50_000; step += 1) {
      if (live.length > 0 && next() < 0.4) {
        const [key, at] = live.splice(Math.floor(next() * live.length), 1)[0] as [string, number];
        index.remove(key, at);
        const list = model.get(keyHash(key)) as number[];
        list.splice(list.indexOf(at), 1);
      } else {
        // A few thousand distinct keys: the same key is spilled again, and hashes are shared.
        const key = `${Math.floor(next() * 3000)}|route-0|webhook|https://example.test/hook`;
        offset += 1 + Math.floor(next() * 900);
        index.add(key, offset);
        live.push([key, offset]);
        model.set(keyHash(key), [...(model.get(keyHash(key)) ?? []), offset]);
      }
      if (step % 997 === 0) {
        const [key] = live[Math.floor(next() * live.length)] ?? ["absent"];
        expect(sorted(index.offsetsOf(key))).toEqual(expected(model, key));
      }
    }
    expect(index.size).toBe(live.length);
    for (const [key] of live.slice(0, 2000)) expect(sorted(index.offsetsOf(key))).toEqual(expected(model, key));
  });

  it("shifted answers the same entries further into the file and leaves the original as it was", () => {
    const index = new SpilledIndex();
    for (let n = 0; n < 5000; n += 1) index.add(`event-${n}|r|webhook|t`, n * 100);
    index.remove("event-7|r|webhook|t", 700);
    const moved = index.shifted(4096);
    expect(moved.size).toBe(4999);
    expect(moved.offsetsOf("event-8|r|webhook|t")).toContain(800 + 4096);
    expect(moved.offsetsOf("event-7|r|webhook|t")).not.toContain(700 + 4096);
    expect(index.offsetsOf("event-8|r|webhook|t")).toContain(800);
    moved.add("late|r|webhook|t", 9);
    expect(index.offsetsOf("late|r|webhook|t")).toEqual([]);
  });

  it("hashes to a 30-bit small integer from the length and the first 48 characters", () => {
    const long = `${"x".repeat(48)}`;
    expect(keyHash(`${long}a`)).toBe(keyHash(`${long}b`));
    expect(keyHash(`${long}a`)).not.toBe(keyHash(`${long}ab`));
    for (const key of ["", "a", "e1|route|webhook|a", "__proto__", "constructor"]) {
      const hash = keyHash(key);
      expect(Number.isInteger(hash) && hash >= 0 && hash < 2 ** 30).toBe(true);
    }
  });
});
