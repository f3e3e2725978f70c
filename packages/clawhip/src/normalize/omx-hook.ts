import type { IncomingEvent } from "./incoming.js";
import { IngressError } from "./ingress-error.js";
import { isRecord } from "./json.js";

function trimmedNonEmpty(value: unknown): string | undefined {
  if (typeof value !== "string") return undefined;
  const trimmed = value.trim();
  return trimmed === "" ? undefined : trimmed;
}

/**
 * Converts an OMX v1 hook envelope into an incoming event. `schema_version` must be the string "1"
 * and `context.normalized_event` a non-blank string; the kind is `event` when it is a string, and the
 * whole envelope becomes the payload.
 */
export function decodeOmxHookEnvelope(body: unknown): IncomingEvent {
  const envelope = isRecord(body) ? body : {};
  const version = envelope.schema_version;
  if (typeof version !== "string") throw new IngressError(400, "missing string field 'schema_version'");
  if (version !== "1") throw new IngressError(400, `unsupported schema_version '${version}'`);
  const context = isRecord(envelope.context) ? envelope.context : {};
  const normalized = trimmedNonEmpty(context.normalized_event);
  if (normalized === undefined) throw new IngressError(400, "missing string field 'context.normalized_event'");

  const incoming: IncomingEvent = { kind: typeof envelope.event === "string" ? envelope.event : normalized, payload: envelope };
  const channel = trimmedNonEmpty(envelope.channel);
  const mention = trimmedNonEmpty(envelope.mention) ?? trimmedNonEmpty(context.mention);
  if (channel !== undefined) incoming.channel = channel;
  if (mention !== undefined) incoming.mention = mention;
  return incoming;
}
