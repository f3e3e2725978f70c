import type { ClawhipCluster, ClawhipDeadLetter, ClawhipDeliveryJob } from "@clawbridge/contracts";
import { ClawhipDeliveryJobSchema } from "@clawbridge/contracts";
import type { Consumer, ConsumerMessages, JetStreamClient, JetStreamManager, JsMsg } from "@nats-io/jetstream";
import { backoffDelay } from "../deliver/backoff.js";
import type { Clock } from "../deliver/clock.js";
import { describeTarget } from "../deliver/redact-target.js";
import type { SendResult } from "../deliver/send-job.js";
import type { ClusterState } from "./cluster-state.js";
import { deadSubject, jobMessageId } from "./subjects.js";

export interface ClusterDelivererOptions {
  cluster: ClawhipCluster;
  js: JetStreamClient;
  jsm: JetStreamManager;
  consumer: Consumer;
  state: ClusterState;
  send: (job: ClawhipDeliveryJob, signal: AbortSignal) => Promise<SendResult>;
  clock: Clock;
  backoffBaseMs: number;
  backoffMaxMs: number;
  daemon: string;
  /**
   * Counts the losses of the NATS connection. A job held across one may already be in another daemon's
   * hands (a restarted server hands out again what it saw unacknowledged for `ack_wait`), so it is not sent.
   */
  disconnects: () => number;
  log: (level: "info" | "warn" | "error", message: string) => void;
  random?: () => number;
}

/**
 * The signal sends run under: never aborted. Stopping lets a send finish, as one cut off may already have
 * reached the sink and would then be sent again by another daemon; `request_timeout_ms` still bounds it.
 */
const UNINTERRUPTED = new AbortController().signal;

/** A rate-limit wait shorter than this is slept out holding the job; a longer one hands it back (nak). */
const HOLD_LIMIT_MS = 1_000;

/**
 * Delivers jobs from the shared durable pull consumer. JetStream hands each job to one daemon at a
 * time and takes it back only when its ack wait passes unacknowledged, which the in-progress acks sent
 * during a slow send prevent. A 2xx is acknowledged (and the ack confirmed by the server); a 429 or a
 * failure is handed back with `nak(delay)` — the server's `retry_after`, else exponential backoff — and
 * after `max_attempts` failures, or at once for a permanent 4xx, the job is published to the dead-letter
 * subject and terminated. The per-target rate and breaker are the cluster's (`ClusterState`).
 */
export class ClusterDeliverer {
  readonly #options: ClusterDelivererOptions;
  readonly #abort = new AbortController();
  readonly #running = new Set<Promise<void>>();
  #messages: ConsumerMessages | undefined;
  #loop: Promise<void> | undefined;
  delivered = 0;
  dead = 0;
  deferred = 0;
  failedAcks = 0;
  /** Jobs handed back unsent because the connection was lost while this daemon held them. */
  released = 0;

  constructor(options: ClusterDelivererOptions) {
    this.#options = options;
  }

  get inFlight(): number {
    return this.#running.size;
  }

  async start(): Promise<void> {
    const { cluster, consumer } = this.#options;
    this.#messages = await consumer.consume({ max_messages: cluster.max_in_flight });
    this.#loop = this.#pull(this.#messages);
  }

  async #pull(messages: ConsumerMessages): Promise<void> {
    const limit = this.#options.cluster.max_in_flight;
    for await (const msg of messages) {
      const handling = this.#handle(msg).catch((error: Error) => {
        // The job stays unacknowledged: JetStream hands it out again once its ack wait passes.
        this.#options.log("error", `delivery of stream message ${msg.seq} failed: ${error.message}`);
      });
      const tracked = handling.finally(() => this.#running.delete(tracked));
      this.#running.add(tracked);
      while (this.#running.size >= limit) await Promise.race(this.#running);
    }
  }

  /** Stops pulling, lets the deliveries under way finish (their sends are not cut off), then returns. */
  async stop(): Promise<void> {
    this.#abort.abort();
    await this.#messages?.close();
    await this.#loop?.catch(() => {});
    await Promise.allSettled([...this.#running]);
  }

  /** Handles one job, telling JetStream it is still being worked on for as long as this daemon holds it. */
  async #handle(msg: JsMsg): Promise<void> {
    const every = Math.max(200, Math.floor(this.#options.cluster.ack_wait_ms / 3));
    const timer = setInterval(() => msg.working(), every);
    try {
      await this.#deliver(msg);
    } finally {
      clearInterval(timer);
    }
  }

  async #deliver(msg: JsMsg): Promise<void> {
    const held = this.#options.disconnects();
    let job: ClawhipDeliveryJob;
    try {
      const parsed = ClawhipDeliveryJobSchema.safeParse(JSON.parse(new TextDecoder().decode(msg.data)));
      if (!parsed.success) throw new Error(parsed.error.issues[0]?.message ?? "invalid job");
      job = parsed.data;
    } catch (error) {
      // Nothing can deliver it; keeping it would block nothing but would never leave the stream.
      this.#options.log("error", `stream message ${msg.seq} is not a delivery job (${(error as Error).message}); terminated`);
      msg.term("not a delivery job");
      return;
    }
    const { state, clock, log } = this.#options;
    for (;;) {
      if (this.#abort.signal.aborted) {
        msg.nak();
        return;
      }
      const wait = await state.acquire(job.target);
      if (wait === 0) break;
      if (wait > HOLD_LIMIT_MS) {
        // An open breaker or a 429 elsewhere in the cluster: hand the job back for when the target may be tried.
        this.deferred += 1;
        msg.nak(wait + Math.round((this.#options.random ?? Math.random)() * 100));
        return;
      }
      msg.working();
      await clock.sleep(wait, this.#abort.signal);
    }
    if (this.#options.disconnects() !== held) {
      // Handing it back is harmless if the server still counts it ours; sending could be a second delivery.
      this.released += 1;
      msg.nak();
      return;
    }
    const result = await this.#options.send(job, UNINTERRUPTED);
    const id = jobMessageId(job);
    if (result.ok) {
      try {
        await msg.ackAck();
      } catch (error) {
        // The send happened; without the ack the job comes back and is sent again (counted, documented).
        this.failedAcks += 1;
        log("warn", `delivered ${job.event_id} → ${describeTarget(job.target)} but its ack was not confirmed: ${(error as Error).message}`);
      }
      this.delivered += 1;
      await state.succeeded(job.target);
      if (msg.info.deliveryCount > 1) await state.forgetAttempts(id);
      return;
    }
    if (!result.retryable) {
      await this.#deadLetter(msg, job, result.reason, 1);
      return;
    }
    if (result.rateLimited) {
      const delay = result.retryAfterMs ?? backoffDelay(1, this.#options.backoffBaseMs, this.#options.backoffMaxMs, this.#options.random);
      await state.rateLimited(job.target, delay);
      log("warn", `${describeTarget(job.target)} rate-limited ${job.event_id}; retrying in ${delay} ms`);
      msg.nak(delay);
      return;
    }
    await state.failed(job.target);
    const attempts = await state.countAttempt(id);
    if (attempts >= this.#options.cluster.max_attempts) {
      await this.#deadLetter(msg, job, `${result.reason} (after ${attempts} attempts)`, attempts);
      return;
    }
    const delay =
      result.retryAfterMs ?? backoffDelay(attempts, this.#options.backoffBaseMs, this.#options.backoffMaxMs, this.#options.random);
    log("warn", `delivery to ${describeTarget(job.target)} failed (attempt ${attempts}): ${result.reason}; retrying in ${delay} ms`);
    msg.nak(delay);
  }

  /** The dead letter is durable (published, deduplicated by job) before the job leaves the stream. */
  async #deadLetter(msg: JsMsg, job: ClawhipDeliveryJob, reason: string, attempts: number): Promise<void> {
    const { js, cluster, clock, log, daemon } = this.#options;
    const letter: ClawhipDeadLetter = {
      key: job.key,
      event_id: job.event_id,
      event_kind: job.event_kind,
      target: describeTarget(job.target),
      reason,
      attempts,
      at: new Date(clock.now()).toISOString(),
      daemon,
      job,
    };
    const id = jobMessageId(job);
    await js.publish(deadSubject(cluster, job.target), JSON.stringify(letter), {
      msgID: id,
      timeout: cluster.publish_timeout_ms,
    });
    log("error", `giving up on ${job.event_kind} ${job.event_id} → ${describeTarget(job.target)}: ${reason}`);
    msg.term(reason.slice(0, 200));
    // nats-server 2.9 (Debian's) keeps a termed message in a work-queue stream: the job is removed by
    // sequence, so the stream's depth counts only jobs still to deliver.
    await this.#options.jsm.streams.deleteMessage(cluster.stream, msg.info.streamSequence, false).catch((error: Error) => {
      log("warn", `dead-lettered job ${msg.info.streamSequence} stays in ${cluster.stream}: ${error.message}`);
    });
    this.dead += 1;
    await this.#options.state.forgetAttempts(id);
  }
}
