/**
 * Own-property access to `assistantDrafts`. The object stays a plain `{}` (upstream's shape, and what
 * callers compare it with), so a plain `drafts[runId]` would read `Object.prototype` members for a run
 * id like `constructor` and silently drop a write to `__proto__`. These helpers make every run id an
 * ordinary key.
 */
export function readDraft(drafts: Record<string, string>, runId: string): string | undefined {
  return Object.hasOwn(drafts, runId) ? drafts[runId] : undefined;
}

export function writeDraft(drafts: Record<string, string>, runId: string, text: string): void {
  // Only `__proto__` is an accessor on Object.prototype; assigning any other key (`constructor`
  // included) creates an own property, and plain assignment keeps the hot path fast.
  if (runId === "__proto__") Object.defineProperty(drafts, runId, { value: text, writable: true, enumerable: true, configurable: true });
  else drafts[runId] = text;
}

/** Removes a run's draft and returns its text. */
export function takeDraft(drafts: Record<string, string>, runId: string): string | undefined {
  const text = readDraft(drafts, runId);
  if (text !== undefined) delete drafts[runId];
  return text;
}
