import { pick, type Random } from "./random.js";

/** JSON values of every type and shape, for a field that expects one of them. */
export const WRONG_TYPES: readonly unknown[] = [
  null,
  true,
  false,
  0,
  -1,
  1.5,
  1e308,
  [],
  {},
  [1, [2]],
  { a: { b: {} } },
  "",
  " ",
  "\u0000",
  "\ud800",
  "💥",
];

/** A lone continuation byte, a byte-order-mark-like pair and a NUL: not UTF-8. */
const NOT_UTF8 = [0xff, 0xfe, 0x00, 0x7b, 0xc3, 0x28];

/** `__proto__` and `constructor` as own keys: JSON.parse makes them data, and they must stay data. */
const PROTOTYPE_OWN_KEYS = '{"__proto__":{"polluted":true},"constructor":{"prototype":{"polluted":true}},';

/** The ways a JSON body gets broken on the wire, each given the valid text of a JSON object. */
const BREAKAGES: ReadonlyArray<(random: Random, valid: string) => string | Buffer> = [
  (random, valid) => valid.slice(0, Math.floor(random() * valid.length)),
  (random, valid) => {
    const bytes = Buffer.from(valid);
    for (let i = 0; i < 3; i += 1) bytes[Math.floor(random() * bytes.length)] = Math.floor(random() * 256);
    return bytes;
  },
  (random) => {
    const depth = 1 + Math.floor(random() * 20_000);
    return random() < 0.5 ? `${"[".repeat(depth)}${"]".repeat(depth)}` : `${'{"a":'.repeat(depth)}1${"}".repeat(depth)}`;
  },
  (random) => JSON.stringify(pick(random, WRONG_TYPES)),
  (_random, valid) => valid.replace(/^\{/, PROTOTYPE_OWN_KEYS),
  () => Buffer.from(NOT_UTF8),
];

/**
 * `valid` (the text of a JSON object) broken one way, drawn from `random`: cut short, bytes flipped,
 * replaced by nesting thousands deep or by a value of the wrong type, given `__proto__` and
 * `constructor` as own keys, or replaced by bytes that are not UTF-8.
 */
export function brokenJson(random: Random, valid: string): string | Buffer {
  return pick(random, BREAKAGES)(random, valid);
}

/**
 * A deep copy of `value` with `property` set at `path` as an own property, so that `__proto__` becomes
 * a key (as JSON.parse makes it) rather than the prototype. Where the path does not lead to an object,
 * the copy is unchanged.
 */
export function withOwnProperty(value: unknown, path: ReadonlyArray<string | number>, property: unknown): unknown {
  const copy = structuredClone(value);
  let target: unknown = copy;
  for (const step of path.slice(0, -1)) {
    const next = (target as Record<string | number, unknown> | null)?.[step];
    if (next === null || typeof next !== "object") return copy;
    target = next;
  }
  if (target === null || typeof target !== "object") return copy;
  Object.defineProperty(target, path.at(-1) as string | number, { value: property, enumerable: true, writable: true, configurable: true });
  return copy;
}
