import { ClawhipFormatSchema } from "@clawbridge/contracts";
import type { IncomingEvent } from "./incoming.js";
import { IngressError } from "./ingress-error.js";
import { isRecord, type JsonRecord, setOwn } from "./json.js";

const KIND_KEYS = ["type", "kind", "event"] as const;
const EVENT_LEVEL_KEYS = new Set(["type", "kind", "event", "channel", "mention", "template", "format", "payload"]);

function optionalString(body: JsonRecord, key: string): string | undefined {
  const value = body[key];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== "string") throw new IngressError(422, `invalid type for \`${key}\`: expected a string`);
  return value;
}

/**
 * Decodes a generic `/event` body (`IncomingEvent`): `type` (aliases `kind`, `event`; two of them is a
 * duplicate), optional `channel`/`mention`/`template`/`format`, and `payload` — when absent or null,
 * every other top-level key becomes the payload.
 */
export function decodeEventWire(body: unknown): IncomingEvent {
  if (!isRecord(body)) throw new IngressError(422, "invalid type: expected an event object");
  const kindKeys = KIND_KEYS.filter((key) => Object.hasOwn(body, key));
  if (kindKeys.length === 0) throw new IngressError(422, "missing field `type`");
  if (kindKeys.length > 1)
    throw new IngressError(422, `duplicate field \`type\` (given as ${kindKeys.map((k) => `\`${k}\``).join(" and ")})`);
  const kindKey = kindKeys[0] as string;
  const kind = body[kindKey];
  if (typeof kind !== "string") throw new IngressError(422, `invalid type for \`${kindKey}\`: expected a string`);
  if (kind.trim() === "") throw new IngressError(422, `\`${kindKey}\` must not be empty`);

  const incoming: IncomingEvent = { kind, payload: undefined };
  const channel = optionalString(body, "channel");
  const mention = optionalString(body, "mention");
  const template = optionalString(body, "template");
  const format = optionalString(body, "format");
  if (format !== undefined) {
    const parsed = ClawhipFormatSchema.safeParse(format);
    if (!parsed.success)
      throw new IngressError(422, `unknown variant \`${format}\` for \`format\`, expected one of compact, alert, inline, raw`);
    incoming.format = parsed.data;
  }
  if (channel !== undefined) incoming.channel = channel;
  if (mention !== undefined) incoming.mention = mention;
  if (template !== undefined) incoming.template = template;

  if (body.payload !== undefined && body.payload !== null) {
    incoming.payload = body.payload;
  } else {
    const rest: JsonRecord = {};
    for (const key of Object.keys(body)) if (!EVENT_LEVEL_KEYS.has(key)) setOwn(rest, key, body[key]);
    incoming.payload = rest;
  }
  return incoming;
}
