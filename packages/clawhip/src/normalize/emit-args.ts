import { ClawhipFormatSchema } from "@clawbridge/contracts";
import type { IncomingEvent } from "./incoming.js";
import { IngressError } from "./ingress-error.js";
import { isRecord, type JsonRecord, setOwn } from "./json.js";

/** A Map: `--constructor` is a field named `constructor`, not a lookup that finds `Object`. */
const FIELD_ALIASES: ReadonlyMap<string, string> = new Map([
  ["agent", "agent_name"],
  ["session", "session_id"],
  ["elapsed", "elapsed_secs"],
  ["error", "error_message"],
]);

/** A value as JSON when it parses (`17` → 17, `true` → true), else the string itself. */
function fieldValue(raw: string): unknown {
  try {
    return JSON.parse(raw);
  } catch {
    return raw;
  }
}

/**
 * Builds an incoming event from `clawhip emit <event> --key value …`: key aliases, event-level
 * `--channel/--mention/--format/--template`, `--payload JSON` as the base object.
 */
export function eventFromEmitArgs(kind: string, fields: readonly string[]): IncomingEvent {
  if (fields.length % 2 !== 0) throw new IngressError(400, "emit fields must be provided as --key value pairs");
  const incoming: IncomingEvent = { kind, payload: undefined };
  let base: JsonRecord = {};
  const extra: JsonRecord = {};
  for (let i = 0; i < fields.length; i += 2) {
    const flag = fields[i] as string;
    const raw = fields[i + 1] as string;
    if (!flag.startsWith("--") || flag.length === 2) throw new IngressError(400, `emit field names must start with --, got ${flag}`);
    const key = flag.slice(2);
    switch (key) {
      case "channel":
      case "mention":
      case "template":
        incoming[key] = raw;
        break;
      case "format": {
        const parsed = ClawhipFormatSchema.safeParse(raw);
        if (!parsed.success) throw new IngressError(400, `unsupported message format: ${raw}`);
        incoming.format = parsed.data;
        break;
      }
      case "payload": {
        const value = fieldValue(raw);
        if (!isRecord(value)) throw new IngressError(400, "--payload must be a JSON object");
        base = value;
        break;
      }
      default:
        setOwn(extra, FIELD_ALIASES.get(key) ?? key, fieldValue(raw));
    }
  }
  incoming.payload = { ...base, ...extra };
  return incoming;
}

/** The wire body `clawhip emit` posts to `/event`. */
export function eventWireBody(incoming: IncomingEvent): JsonRecord {
  const body: JsonRecord = { type: incoming.kind };
  if (incoming.channel !== undefined) body.channel = incoming.channel;
  if (incoming.mention !== undefined) body.mention = incoming.mention;
  if (incoming.format !== undefined) body.format = incoming.format;
  if (incoming.template !== undefined) body.template = incoming.template;
  body.payload = incoming.payload;
  return body;
}
