import { describe, expect, it } from "vitest";
import { findUncrossable } from "./crossable.js";

class Point {
  constructor(
    readonly x: number,
    readonly y: number,
  ) {}
}

class Points extends Array<number> {}

/** `{next: {next: … leaf}}`, `depth` levels down. */
function deep(depth: number, leaf: unknown = "end"): unknown {
  let value: unknown = leaf;
  for (let level = 0; level < depth; level += 1) value = { next: value };
  return value;
}

describe("findUncrossable", () => {
  const cyclic: Record<string, unknown> = { a: [1] };
  (cyclic.a as unknown[]).push({ back: cyclic });
  const shared = { n: 1 };
  // An own data property named __proto__ (as JSON.parse makes one), not the accessor.
  const ownProto = {};
  Object.defineProperty(ownProto, "__proto__", { value: { f: () => 1 }, enumerable: true });
  const cases: Array<[string, unknown, string | undefined]> = [
    ["plain data", { a: "x", b: [1, true, null, { c: -0.5 }], d: Object.create(null) }, undefined],
    ["an absent optional field", { a: undefined, b: 1 }, undefined],
    ["the same object twice, not a cycle", { twice: [shared, shared] }, undefined],
    ["a nested function", { a: { b: [0, () => 1] } }, "args.a.b[1] is a function"],
    ["a cycle through an array", cyclic, "args.a[1].back is a cycle back to an enclosing value"],
    ["a BigInt", { total: 1n }, "args.total is a BigInt"],
    ["a class instance", { p: new Point(1, 2) }, "args.p is a Point object, not plain data"],
    ["a Map inside an array", [[new Map()]], "args[0][0] is a Map object, not plain data"],
    ["NaN", { a: Number.NaN }, "args.a is NaN, not a finite number"],
    ["Infinity", [Number.POSITIVE_INFINITY], "args[0] is Infinity, not a finite number"],
    ["undefined in an array", [1, undefined], "args[1] is undefined"],
    ["undefined itself", undefined, "args is undefined"],
    ["a symbol value", { s: Symbol("s") }, "args.s is a symbol"],
    ["symbol keys, which JSON leaves behind", { inner: { [Symbol("k")]: () => 1 } }, undefined],
    ["an Array subclass", { list: Points.from([1]) }, "args.list is a Points object, not plain data"],
    ["-Infinity in an object", { low: Number.NEGATIVE_INFINITY }, "args.low is -Infinity, not a finite number"],
    ["an object posing as an array", { list: Object.create(Array.prototype) }, "args.list is a Array object, not plain data"],
    ["a deep chain, not a cycle", deep(200), undefined],
    ["a fault past the quick pass's depth", deep(100, () => 1), `args${".next".repeat(100)} is a function`],
    ["beside an own __proto__ key", { ...JSON.parse('{"__proto__": {"f": 1}}'), ok: [1n] }, "args.ok[0] is a BigInt"],
    ["inside an own __proto__ key", ownProto, "args.__proto__.f is a function"],
  ];
  it.each(cases)("%s", (_name, value, expected) => {
    expect(findUncrossable(value, "args")).toBe(expected);
  });

  it("starts the path at `value` unless told otherwise", () => {
    expect(findUncrossable({ a: () => 1 })).toBe("value.a is a function");
  });
});
