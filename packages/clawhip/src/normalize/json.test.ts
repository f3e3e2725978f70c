import { pick, seededRandom } from "@clawbridge/plugin-host/testing";
import { describe, expect, it } from "vitest";
import { sortedJson, sortedKeys } from "./json.js";

const AWKWARD_TEXT = [
  "plain",
  "",
  'quote " and backslash \\',
  "tab\tnewline\nbell\u0007nul\u0000",
  "unicode é 漢字 🚀",
  "lone \ud800 high and \udc00 low surrogates",
  "line separators \u2028 \u2029 and DEL \u007f",
];
// Array-index keys (listed first by every object, in numeric order) next to ones that only look like them.
const AWKWARD_KEYS = ["b", "a", "10", "9", "0", "01", "-1", "1.5", "4294967294", "4294967295", "__proto__", "constructor", "Z", "é", "ü"];
const LEAVES: unknown[] = [
  null,
  true,
  false,
  0,
  -0,
  7,
  -3.25,
  1e21,
  Number.NaN,
  Number.POSITIVE_INFINITY,
  undefined,
  () => 1,
  ...AWKWARD_TEXT,
];

function randomValue(random: () => number, depth: number): unknown {
  const roll = random();
  if (depth >= 4 || roll < 0.5) return pick(random, LEAVES);
  if (roll < 0.7) return Array.from({ length: Math.floor(random() * 4) }, () => randomValue(random, depth + 1));
  const record: Record<string, unknown> = {};
  for (let i = Math.floor(random() * 6); i > 0; i -= 1) {
    Object.defineProperty(record, pick(random, AWKWARD_KEYS), {
      value: randomValue(random, depth + 1),
      enumerable: true,
      writable: true,
      configurable: true,
    });
  }
  return record;
}

describe("sortedJson", () => {
  it("writes exactly JSON.stringify(sortedKeys(value)) for awkward keys, strings, numbers and nesting", () => {
    const payload = JSON.parse('{"z":1,"10":"ten","9":[1,{"b":2,"a":null}],"__proto__":{"x":1},"01":"lead","é":"e","a":{"y":[],"x":{}}}');
    expect(sortedJson(payload)).toBe(JSON.stringify(sortedKeys(payload)));
    expect(sortedJson(payload)).toBe(
      '{"9":[1,{"a":null,"b":2}],"10":"ten","01":"lead","__proto__":{"x":1},"a":{"x":{},"y":[]},"z":1,"é":"e"}',
    );
  });

  it("agrees with JSON.stringify(sortedKeys(value)) over seeded random values", () => {
    const random = seededRandom(20261129);
    for (let i = 0; i < 2000; i += 1) {
      const value = { root: randomValue(random, 0) };
      expect(sortedJson(value)).toBe(JSON.stringify(sortedKeys(value)));
    }
  });

  it("drops what JSON drops: undefined and functions as values, null in their place in arrays", () => {
    const value = { a: undefined, b: () => 1, c: [undefined, () => 1, Number.NaN], d: new Date(0) };
    expect(sortedJson(value)).toBe(JSON.stringify(sortedKeys(value)));
    expect(sortedJson(value)).toBe('{"c":[null,null,null],"d":{}}');
  });
});
