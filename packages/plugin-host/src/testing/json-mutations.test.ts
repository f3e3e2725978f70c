import { describe, expect, it } from "vitest";
import { brokenJson, WRONG_TYPES, withOwnProperty } from "./json-mutations.js";
import { prototypeNames } from "./process-probes.js";
import { seededRandom } from "./random.js";

const VALID = JSON.stringify({ model: "m", messages: [{ role: "user", content: "hi" }] });

/** The JSON value of a body, or why it is none. */
function parsed(body: string | Buffer): unknown {
  const text = typeof body === "string" ? body : body.toString("utf8");
  try {
    return JSON.parse(text);
  } catch {
    return "unparseable";
  }
}

describe("brokenJson", () => {
  it("draws the same breakages from the same seed", () => {
    const draw = (seed: number) => {
      const random = seededRandom(seed);
      return Array.from({ length: 50 }, () => String(brokenJson(random, VALID)));
    };
    expect(draw(3)).toEqual(draw(3));
    expect(draw(4)).not.toEqual(draw(3));
  });

  it("breaks a body every way: cut short, flipped bytes, deep nesting, wrong types, prototype keys, not UTF-8", () => {
    const before = prototypeNames();
    const random = seededRandom(20261207);
    const bodies = Array.from({ length: 600 }, () => brokenJson(random, VALID));
    expect(bodies.every((body) => String(body) !== VALID)).toBe(true);
    const texts = bodies.filter((body): body is string => typeof body === "string");
    expect(texts.filter((text) => VALID.startsWith(text) && text.length < VALID.length).length).toBeGreaterThan(50);
    expect(bodies.filter((body) => Buffer.isBuffer(body)).length).toBeGreaterThan(100);
    expect(texts.filter((text) => /^(\[\[|\{"a":\{"a":)/.test(text) && text.length > 1_000).length).toBeGreaterThan(50);
    const wrongTypes = new Set(WRONG_TYPES.map((wrong) => JSON.stringify(wrong)));
    expect(texts.filter((text) => wrongTypes.has(text)).length).toBeGreaterThan(50);
    const values = texts.filter((text) => text.length < 1_000).map(parsed);
    const polluting = values.filter((value) => value !== null && typeof value === "object" && Object.hasOwn(value, "__proto__"));
    expect(polluting.length).toBeGreaterThan(50);
    expect(prototypeNames()).toEqual(before);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});

describe("withOwnProperty", () => {
  it("sets a prototype key as an own property of a copy, at any depth", () => {
    const original = { messages: [{ role: "user" }] };
    const copy = withOwnProperty(original, ["messages", 0, "__proto__"], "x") as { messages: Array<Record<string, unknown>> };
    expect(Object.hasOwn(copy.messages[0] as object, "__proto__")).toBe(true);
    expect(JSON.stringify(copy)).toBe('{"messages":[{"role":"user","__proto__":"x"}]}');
    expect(original).toEqual({ messages: [{ role: "user" }] });
    expect(withOwnProperty(original, ["messages", 0, "role"], "constructor")).toEqual({ messages: [{ role: "constructor" }] });
  });

  it("leaves the copy unchanged where the path does not lead to an object", () => {
    const original = { a: 1, b: null };
    expect(withOwnProperty(original, ["a", "x"], "y")).toEqual(original);
    expect(withOwnProperty(original, ["b", "x"], "y")).toEqual(original);
    expect(withOwnProperty(original, ["missing", "x", "z"], "y")).toEqual(original);
  });
});
