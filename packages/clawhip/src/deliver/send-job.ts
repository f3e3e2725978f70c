import { createHash } from "node:crypto";
import type { ClawhipConfig, ClawhipDeliveryJob } from "@clawbridge/contracts";
import { retryAfterMs } from "./backoff.js";
import { nodeFetch } from "./node-fetch.js";

export type FetchLike = (
  url: string,
  init: { method: string; headers: Record<string, string>; body: string; signal?: AbortSignal },
) => Promise<{
  status: number;
  headers: { get(name: string): string | null };
  text(): Promise<string>;
}>;

export interface SenderOptions {
  fetch: FetchLike;
  now: () => number;
  discordToken?: string;
  discordApiBase: string;
  timeoutMs: number;
}

export type SendResult = { ok: true } | { ok: false; retryable: boolean; retryAfterMs?: number; rateLimited?: boolean; reason: string };

/**
 * How a runtime (file spool or cluster) sends its jobs: the given fetch, else node:http(s) keep-alive
 * agents that `close` releases; Discord's API base, the bot token (the option over the config) and the
 * request timeout from the config.
 */
export function jobSender(
  config: ClawhipConfig,
  options: { fetch?: FetchLike | undefined; discordToken?: string | undefined },
  now: () => number,
): { send: (job: ClawhipDeliveryJob, signal?: AbortSignal) => Promise<SendResult>; close: () => void } {
  const transport = options.fetch ? undefined : nodeFetch();
  const discord = config.providers.discord;
  const discordToken = options.discordToken ?? discord?.token;
  const sender: SenderOptions = {
    fetch: options.fetch ?? (transport?.fetch as FetchLike),
    now,
    discordApiBase: discord?.api_base ?? "https://discord.com/api/v10",
    timeoutMs: config.delivery.request_timeout_ms,
    ...(discordToken ? { discordToken } : {}),
  };
  return { send: (job, signal) => sendJob(job, sender, signal), close: transport?.close ?? (() => {}) };
}

interface WebhookRequest {
  url: string;
  headers: Record<string, string>;
  body: unknown;
}

/** Discord webhooks answer with the message (and report errors) only with `wait=true`. */
function discordWebhookUrl(url: string): string {
  if (/[?&]wait=/.test(url)) return url;
  return `${url}${url.includes("?") ? "&" : "?"}wait=true`;
}

function slackBody(job: ClawhipDeliveryJob): unknown {
  if (job.format !== "compact" && job.format !== "alert") return { text: job.content };
  const heading = job.format === "alert" ? ":rotating_light: *Alert*" : ":speech_balloon: *Notification*";
  return {
    text: job.content,
    blocks: [
      { type: "section", text: { type: "mrkdwn", text: heading } },
      { type: "section", text: { type: "mrkdwn", text: job.content } },
      { type: "context", elements: [{ type: "mrkdwn", text: `event \`${job.event_kind}\` · format \`${job.format}\`` }] },
    ],
  };
}

/**
 * The delivery's idempotency key: a digest of the job key (event id, route, target), so it is the same
 * on every attempt and after a restart, differs per target, and does not reveal the webhook URL.
 */
export function deliveryIdempotencyKey(job: Pick<ClawhipDeliveryJob, "key">): string {
  return createHash("sha256").update(job.key).digest("hex");
}

/** Discord's `nonce` holds at most 25 characters: a prefix of the idempotency key (100 bits). */
const DISCORD_NONCE_LENGTH = 25;

/** Past this, the event id is left out of the headers (a receiver may refuse oversized headers). */
const MAX_EVENT_ID_HEADER = 256;

/**
 * What every delivery request carries for a receiver to deduplicate on: `Idempotency-Key` always, and
 * the event id (percent-encoded, as a header holds only visible ASCII) when it is short enough.
 */
function dedupeHeaders(job: ClawhipDeliveryJob): Record<string, string> {
  const headers: Record<string, string> = { "idempotency-key": deliveryIdempotencyKey(job) };
  // A round trip through UTF-8 replaces lone surrogates, which encodeURIComponent refuses.
  const eventId = encodeURIComponent(Buffer.from(job.event_id, "utf8").toString("utf8"));
  if (eventId.length <= MAX_EVENT_ID_HEADER) headers["x-clawhip-event-id"] = eventId;
  return headers;
}

function requestFor(job: ClawhipDeliveryJob, options: SenderOptions): WebhookRequest | string {
  const headers = { "content-type": "application/json", ...dedupeHeaders(job) };
  switch (job.target.kind) {
    case "discord-webhook":
      return { url: discordWebhookUrl(job.target.value), headers, body: { content: job.content } };
    case "slack-webhook":
      return { url: job.target.value, headers, body: slackBody(job) };
    case "discord-channel":
      if (!options.discordToken) return "no Discord bot token configured for channel delivery (DISCORD_TOKEN or [providers.discord].token)";
      return {
        url: `${options.discordApiBase.replace(/\/+$/, "")}/channels/${encodeURIComponent(job.target.value)}/messages`,
        headers: { ...headers, authorization: `Bot ${options.discordToken}` },
        // Create Message dedupes on an enforced nonce (for a few minutes): a re-send after a crash
        // returns the message already created instead of posting it twice.
        body: {
          content: job.content,
          nonce: deliveryIdempotencyKey(job).slice(0, DISCORD_NONCE_LENGTH),
          enforce_nonce: true,
        },
      };
  }
}

function parseMaybeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/**
 * Sends one job: Discord `{content}`, Slack `{text}`. 2xx is delivered; 429, 5xx, 408 and network
 * errors are retryable (honouring `retry_after` / `Retry-After`); other 4xx are permanent. A 2xx
 * resolves as soon as its status is known: the caller records the delivery before anything else can
 * run, and the body (never needed) drains on its own.
 */
export async function sendJob(job: ClawhipDeliveryJob, options: SenderOptions, signal?: AbortSignal): Promise<SendResult> {
  const request = requestFor(job, options);
  if (typeof request === "string") return { ok: false, retryable: false, reason: request };
  const timeout = AbortSignal.timeout(options.timeoutMs);
  const combined = signal ? AbortSignal.any([signal, timeout]) : timeout;
  let response: Awaited<ReturnType<FetchLike>>;
  let text: string;
  try {
    response = await options.fetch(request.url, {
      method: "POST",
      headers: request.headers,
      body: JSON.stringify(request.body),
      signal: combined,
    });
    if (response.status >= 200 && response.status < 300) {
      response.text().then(undefined, () => {});
      return { ok: true };
    }
    text = await response.text();
  } catch (error) {
    return { ok: false, retryable: true, reason: `request failed: ${(error as Error).message}` };
  }
  const retryable = response.status === 429 || response.status === 408 || response.status >= 500;
  const wait = retryable ? retryAfterMs(response.headers.get("retry-after"), parseMaybeJson(text), options.now()) : undefined;
  const result: SendResult = { ok: false, retryable, reason: `HTTP ${response.status}: ${text.slice(0, 200)}` };
  if (wait !== undefined) result.retryAfterMs = wait;
  if (response.status === 429) result.rateLimited = true;
  return result;
}
