import type { ClawhipEvent } from "@clawbridge/contracts";
import { isRecord } from "../normalize/json.js";

function flatten(prefix: string, value: unknown, into: Map<string, string>): void {
  if (isRecord(value)) {
    for (const key of Object.keys(value)) flatten(prefix === "" ? key : `${prefix}.${key}`, value[key], into);
    return;
  }
  if (prefix === "") return;
  if (typeof value === "string") into.set(prefix, value);
  else if (value === null) into.set(prefix, "null");
  else if (Array.isArray(value)) into.set(prefix, JSON.stringify(value));
  else if (value !== undefined) into.set(prefix, String(value));
}

/**
 * The string view of an event that route filters and templates see: event-level hints, the payload
 * flattened with dotted keys, the canonical kind under `event`/`contract_event`/`kind` (payload values
 * of those names kept as `payload_*`), and the repo/session/channel aliases.
 */
export function templateContext(event: ClawhipEvent): Map<string, string> {
  const context = new Map<string, string>();
  if (event.channel !== undefined) context.set("channel", event.channel);
  if (event.mention !== undefined) context.set("mention", event.mention);
  if (event.format !== undefined) context.set("format", event.format);
  if (event.template !== undefined) context.set("template", event.template);
  flatten("", event.payload, context);
  for (const key of ["event", "contract_event", "kind"]) {
    const prior = context.get(key);
    if (prior !== undefined && key !== "kind") context.set(`payload_${key}`, prior);
    context.set(key, event.kind);
  }
  for (const [a, b] of [
    ["repo", "repo_name"],
    ["session", "session_name"],
    ["channel", "channel_hint"],
  ] as const) {
    const va = context.get(a);
    const vb = context.get(b);
    if (va === undefined && vb !== undefined) context.set(a, vb);
    if (vb === undefined && va !== undefined) context.set(b, va);
  }
  if (!context.has("route_key")) context.set("route_key", event.kind);
  return context;
}

/** `{key}` substitution over the context, keys in sorted order like upstream. */
export function fillTemplate(template: string, context: Map<string, string>): string {
  let out = template;
  for (const key of [...context.keys()].sort()) {
    if (out.includes(`{${key}}`)) out = out.replaceAll(`{${key}}`, context.get(key) as string);
  }
  return out;
}

function leafText(value: unknown): string | undefined {
  if (typeof value === "string") return value;
  if (value === null) return "null";
  if (Array.isArray(value)) return JSON.stringify(value);
  if (typeof value === "object" || value === undefined) return undefined;
  return String(value);
}

/** A payload value by flattened key; only own keys count (`constructor` is not `Object`). */
function flatValue(payload: Record<string, unknown>, key: string): string | undefined {
  if (Object.hasOwn(payload, key)) return leafText(payload[key]);
  if (!key.includes(".")) return undefined;
  let current: unknown = payload;
  for (const segment of key.split(".")) {
    if (!isRecord(current) || !Object.hasOwn(current, segment)) return undefined;
    current = current[segment];
  }
  return leafText(current);
}

const ALIASES: ReadonlyMap<string, string> = new Map([
  ["repo", "repo_name"],
  ["repo_name", "repo"],
  ["session", "session_name"],
  ["session_name", "session"],
  ["channel", "channel_hint"],
  ["channel_hint", "channel"],
]);

/**
 * One key of `templateContext(event)`, computed on demand: route filters read a handful of keys, so
 * routing does not flatten the whole payload per event. Agrees with `templateContext` key for key.
 */
export function contextValue(event: ClawhipEvent, key: string, aliased = false): string | undefined {
  switch (key) {
    case "event":
    case "contract_event":
    case "kind":
      return event.kind;
    case "payload_event":
      return flatValue(event.payload, "event");
    case "payload_contract_event":
      return flatValue(event.payload, "contract_event");
    case "route_key":
      return flatValue(event.payload, "route_key") ?? event.kind;
  }
  const own =
    flatValue(event.payload, key) ??
    (key === "channel" || key === "mention" || key === "format" || key === "template" ? event[key] : undefined);
  if (own !== undefined || aliased) return own;
  const alias = ALIASES.get(key);
  return alias === undefined ? undefined : contextValue(event, alias, true);
}
