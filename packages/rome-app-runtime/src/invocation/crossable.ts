/**
 * Says why a value cannot cross a process boundary as plain data, or `undefined` when it can.
 * Plain data is what survives JSON and structured clone alike: null, booleans, strings, finite
 * numbers, arrays, and objects whose prototype is `Object.prototype` or null, without cycles.
 * `undefined` is accepted as an object property (an absent optional field), nowhere else.
 */
export function findUncrossable(value: unknown, path = "value"): string | undefined {
  return visit(value, path, new Set());
}

function visit(value: unknown, path: string, ancestors: Set<object>): string | undefined {
  switch (typeof value) {
    case "string":
    case "boolean":
      return undefined;
    case "number":
      return Number.isFinite(value) ? undefined : `${path} is ${value}, not a finite number`;
    case "bigint":
      return `${path} is a BigInt`;
    case "function":
      return `${path} is a function`;
    case "symbol":
      return `${path} is a symbol`;
    case "undefined":
      return `${path} is undefined`;
  }
  if (value === null) return undefined;
  const object = value as object;
  if (ancestors.has(object)) return `${path} is a cycle back to an enclosing value`;
  const proto = Object.getPrototypeOf(object);
  const isArray = Array.isArray(object) && proto === Array.prototype;
  if (!isArray && proto !== Object.prototype && proto !== null) {
    return `${path} is a ${proto?.constructor?.name ?? "non-plain"} object, not plain data`;
  }
  ancestors.add(object);
  try {
    if (isArray) {
      const items = object as unknown[];
      for (let index = 0; index < items.length; index += 1) {
        const reason = visit(items[index], `${path}[${index}]`, ancestors);
        if (reason) return reason;
      }
      return undefined;
    }
    if (Object.getOwnPropertySymbols(object).length > 0) return `${path} has symbol keys`;
    for (const [key, item] of Object.entries(object)) {
      if (item === undefined) continue;
      const reason = visit(item, `${path}.${key}`, ancestors);
      if (reason) return reason;
    }
    return undefined;
  } finally {
    ancestors.delete(object);
  }
}
