/**
 * Says why a value cannot cross a process boundary as plain data, or `undefined` when it can.
 * Plain data is what survives JSON and structured clone alike: null, booleans, strings, finite
 * numbers, arrays, and objects whose prototype is `Object.prototype` or null, without cycles.
 * `undefined` is accepted as an object property (an absent optional field), nowhere else. Symbol-keyed
 * properties are not data: like JSON and the worker's channel, the check leaves them behind.
 *
 * Every `runAction` checks its arguments and its result, so this is on the hot path. A first pass only
 * answers yes or no, keeping no ancestors: a cycle shows as a depth past `CYCLE_DEPTH`. Only when it says
 * no (or the value is that deep) does the second pass run, which tracks ancestors and names the path of
 * the offending value (`args.a[1]`); its verdict is the one that counts.
 */
export function findUncrossable(value: unknown, path = "value"): string | undefined {
  if (isPlain(value, 0)) return undefined;
  const found = visit(value, []);
  if (!found) return undefined;
  let where = path;
  for (let index = found.trail.length - 1; index >= 0; index -= 1) {
    const step = found.trail[index];
    where += typeof step === "number" ? `[${step}]` : `.${step}`;
  }
  return `${where} ${found.what}`;
}

/** Deeper than this, the quick pass gives up and lets the precise one decide (a cycle is infinitely deep). */
const CYCLE_DEPTH = 64;

/**
 * The quick pass: `true` only for plain data no deeper than `CYCLE_DEPTH`. for-in rather than
 * Object.keys (no array per object); with a prototype of Object.prototype or null it yields the own
 * enumerable string keys, plus anything enumerable someone put on Object.prototype, which is then
 * checked too: a refusal at worst, never a pass.
 */
function isPlain(value: unknown, depth: number): boolean {
  const type = typeof value;
  if (type === "string" || type === "boolean") return true;
  // Finite: Infinity - Infinity and NaN - NaN are NaN, which is not 0.
  if (type === "number") return (value as number) - (value as number) === 0;
  if (type !== "object") return false;
  if (value === null) return true;
  if (depth > CYCLE_DEPTH) return false;
  if (Array.isArray(value)) {
    if (Object.getPrototypeOf(value) !== Array.prototype) return false;
    for (let index = 0; index < value.length; index += 1) {
      const item: unknown = value[index];
      // Strings are most of what is inside: answered here, without a call.
      if (typeof item !== "string" && !isPlain(item, depth + 1)) return false;
    }
    return true;
  }
  const proto = Object.getPrototypeOf(value);
  if (proto !== Object.prototype && proto !== null) return false;
  const record = value as Record<string, unknown>;
  for (const key in record) {
    const item = record[key];
    if (typeof item !== "string" && item !== undefined && !isPlain(item, depth + 1)) return false;
  }
  return true;
}

/** What is wrong, and the keys and indexes leading to it, innermost first. */
interface Found {
  what: string;
  trail: Array<string | number>;
}

const found = (what: string): Found => ({ what, trail: [] });

/**
 * `ancestors` holds the objects enclosing `value` (as many as its depth: a short array is cheaper than
 * a Set here). A getter that throws leaves it unbalanced, but the throw ends the whole walk.
 */
function visit(value: unknown, ancestors: object[]): Found | undefined {
  switch (typeof value) {
    case "string":
    case "boolean":
      return undefined;
    case "number":
      return Number.isFinite(value) ? undefined : found(`is ${value}, not a finite number`);
    case "bigint":
      return found("is a BigInt");
    case "function":
      return found("is a function");
    case "symbol":
      return found("is a symbol");
    case "undefined":
      return found("is undefined");
  }
  if (value === null) return undefined;
  const object = value as object;
  if (ancestors.includes(object)) return found("is a cycle back to an enclosing value");
  const proto = Object.getPrototypeOf(object);
  const isArray = Array.isArray(object) && proto === Array.prototype;
  if (!isArray && proto !== Object.prototype && proto !== null) {
    return found(`is a ${proto?.constructor?.name ?? "non-plain"} object, not plain data`);
  }
  ancestors.push(object);
  let inner: Found | undefined;
  if (isArray) {
    const items = object as unknown[];
    for (let index = 0; index < items.length && !inner; index += 1) {
      inner = visit(items[index], ancestors);
      inner?.trail.push(index);
    }
  } else {
    const record = object as Record<string, unknown>;
    for (const key in record) {
      const item = record[key];
      if (item === undefined) continue;
      inner = visit(item, ancestors);
      if (inner) {
        inner.trail.push(key);
        break;
      }
    }
  }
  ancestors.pop();
  return inner;
}
