import { asBoolish, asU64ish, isRecord, type JsonRecord, nonBlank } from "./json.js";

type Read = (value: unknown) => string | number | boolean | undefined;

/** Each tmux field: its snake and camel spellings, and its name inside a nested `tmux` object. */
const TMUX_FIELDS: ReadonlyArray<readonly [field: string, camel: string, nested: readonly string[], read: Read]> = [
  ["tmux_session", "tmuxSession", ["session"], nonBlank],
  ["tmux_window", "tmuxWindow", ["window"], nonBlank],
  ["tmux_pane", "tmuxPane", ["pane"], nonBlank],
  ["tmux_pane_tty", "tmuxPaneTty", ["pane_tty", "paneTty"], nonBlank],
  ["tmux_attached", "tmuxAttached", ["attached"], asBoolish],
  ["tmux_client_count", "tmuxClientCount", ["client_count", "clientCount"], asU64ish],
];

const child = (record: JsonRecord | undefined, key: string): JsonRecord | undefined => {
  const value = record?.[key];
  return isRecord(value) ? value : undefined;
};

/**
 * Whether a record has a key starting with `tmux` (every spelling above does): most events have none,
 * and are answered without the walk. One pass over its keys is cheaper than twelve missing lookups.
 */
function holdsTmuxKey(record: JsonRecord | undefined): boolean {
  if (record === undefined) return false;
  for (const key in record) if (key.charCodeAt(0) === 116 && key.startsWith("tmux")) return true;
  return false;
}

const NONE: Readonly<JsonRecord> = Object.freeze({});

/** The first of a nested `tmux` object's spellings of a field that reads as a value. */
function readNested(read: Read, tmux: JsonRecord | undefined, keys: readonly string[]): ReturnType<Read> {
  if (tmux === undefined) return undefined;
  for (const key of keys) {
    const value = read(tmux[key]);
    if (value !== undefined) return value;
  }
  return undefined;
}

/**
 * The tmux pane an event came from (session, window, pane, tty, attachment, client count), found at the
 * top level, in `context`, in a nested `tmux` object or in a wrapped `payload`, in upstream's order.
 * Renderers show it; routes can filter on it.
 */
export function tmuxFieldsOf(payload: JsonRecord): Readonly<JsonRecord> {
  const context = child(payload, "context");
  const wrapped = child(payload, "payload");
  const nestedTmux = child(payload, "tmux") ?? child(context, "tmux") ?? child(wrapped, "tmux");
  // The common case, an event from no tmux pane, allocates nothing.
  if (nestedTmux === undefined && !holdsTmuxKey(payload) && !holdsTmuxKey(context) && !holdsTmuxKey(wrapped)) return NONE;
  const found: JsonRecord = {};
  const payloadTmux = child(payload, "tmux");
  const contextTmux = child(context, "tmux");
  const wrappedTmux = child(wrapped, "tmux");
  for (const [field, camel, nested, read] of TMUX_FIELDS) {
    const value =
      read(payload[field]) ??
      read(payload[camel]) ??
      read(context?.[field]) ??
      read(context?.[camel]) ??
      readNested(read, payloadTmux, nested) ??
      readNested(read, contextTmux, nested) ??
      read(wrapped?.[field]) ??
      read(wrapped?.[camel]) ??
      readNested(read, wrappedTmux, nested);
    if (value !== undefined) found[field] = value;
  }
  return found;
}
