import { appendFile } from "node:fs/promises";
import type { ClawhipDeliveryJob } from "@clawbridge/contracts";
import { backoffDelay } from "./backoff.js";
import { CircuitBreaker } from "./circuit-breaker.js";
import type { Clock } from "./clock.js";
import { describeTarget } from "./redact-target.js";
import type { SendResult } from "./send-job.js";
import type { SpoolJournal } from "./spool-journal.js";
import { TokenBucket } from "./token-bucket.js";

export interface DeliveryPolicy {
  backoffBaseMs: number;
  backoffMaxMs: number;
  breakerThreshold: number;
  breakerCooldownMs: number;
  ratePerSec: number;
  rateBurst: number;
}

export interface DispatcherOptions {
  journal: SpoolJournal;
  send: (job: ClawhipDeliveryJob, signal: AbortSignal) => Promise<SendResult>;
  clock: Clock;
  policy: DeliveryPolicy;
  /** Undeliverable jobs are appended here (NDJSON) with the reason, so nothing is lost silently. */
  deadLetterPath: string;
  log: (level: "info" | "warn" | "error", message: string) => void;
  random?: () => number;
}

interface Lane {
  name: string;
  kind: ClawhipDeliveryJob["target"]["kind"];
  value: string;
  queue: ClawhipDeliveryJob[];
  running: boolean;
  breaker: CircuitBreaker;
  bucket: TokenBucket;
}

function laneName(job: ClawhipDeliveryJob): string {
  return `${job.target.kind}:${job.target.value}`;
}

/**
 * Delivers spooled jobs: one lane per target, in order within a lane, lanes in parallel. Each lane
 * has its own circuit breaker and token bucket; failures are retried with exponential backoff and
 * jitter (a server's retry_after / Retry-After wins); a delivery is recorded `done` in the journal
 * the moment its 2xx arrives, and permanent failures go to the dead-letter file.
 */
export class Dispatcher {
  readonly #options: DispatcherOptions;
  readonly #lanes = new Map<string, Lane>();
  readonly #abort = new AbortController();
  readonly #idleWaiters = new Set<() => void>();
  readonly #recording = new Set<Promise<void>>();
  #inFlight = 0;
  delivered = 0;
  dead = 0;
  attempts = 0;

  constructor(options: DispatcherOptions) {
    this.#options = options;
  }

  /** Queues jobs that are already durable in the journal. */
  submit(jobs: readonly ClawhipDeliveryJob[]): void {
    // Jobs of one submit mostly share a target: the lane of the previous one is tried before the map.
    let last: Lane | undefined;
    for (const job of jobs) {
      let lane = last !== undefined && last.kind === job.target.kind && last.value === job.target.value ? last : undefined;
      const name = lane === undefined ? laneName(job) : lane.name;
      lane ??= this.#lanes.get(name);
      if (!lane) {
        const { policy, clock } = this.#options;
        lane = {
          name,
          kind: job.target.kind,
          value: job.target.value,
          queue: [],
          running: false,
          breaker: new CircuitBreaker(policy.breakerThreshold, policy.breakerCooldownMs),
          bucket: new TokenBucket(policy.ratePerSec, policy.rateBurst, clock.now()),
        };
        this.#lanes.set(name, lane);
      }
      last = lane;
      lane.queue.push(job);
      this.#inFlight += 1;
      if (!lane.running) void this.#run(lane);
    }
  }

  get pending(): number {
    return this.#inFlight;
  }

  /** Resolves once every submitted job is delivered or dead-lettered. */
  idle(): Promise<void> {
    if (this.#inFlight === 0) return Promise.resolve();
    return new Promise((resolvePromise) => this.#idleWaiters.add(resolvePromise));
  }

  /** Stops the lanes; resolves once every delivery already made is recorded in the journal. */
  async stop(): Promise<void> {
    this.#abort.abort();
    while (this.#lanesRunning() || this.#recording.size > 0) {
      await Promise.allSettled([...this.#recording]);
      if (this.#lanesRunning()) await new Promise((r) => setImmediate(r));
    }
  }

  #lanesRunning(): boolean {
    for (const lane of this.#lanes.values()) if (lane.running) return true;
    return false;
  }

  #track(recording: Promise<void>): Promise<void> {
    const tracked = recording.finally(() => this.#recording.delete(tracked));
    this.#recording.add(tracked);
    return tracked;
  }

  async #wait(ms: number): Promise<void> {
    if (ms > 0) await this.#options.clock.sleep(ms, this.#abort.signal);
  }

  async #run(lane: Lane): Promise<void> {
    lane.running = true;
    const { clock, journal, policy, log } = this.#options;
    const signal = this.#abort.signal;
    let attempt = 0;
    try {
      while (lane.queue.length > 0 && !signal.aborted) {
        const job = lane.queue[0] as ClawhipDeliveryJob;
        await this.#wait(lane.breaker.waitMs(clock.now()));
        for (let wait = lane.bucket.take(clock.now()); wait > 0 && !signal.aborted; wait = lane.bucket.take(clock.now())) {
          await this.#wait(wait);
        }
        if (signal.aborted) break;
        this.attempts += 1;
        const result = await this.#options.send(job, signal);
        if (result.ok) {
          // The `done` line goes to the file now, in the turn the 2xx arrived: a crash can re-send
          // only a delivery whose answer had not arrived yet (at most one per lane). The lane moves on
          // meanwhile; the delivery counts, and idle() settles, once the line is durable.
          const recorded = journal.append([{ t: "done", key: job.key }]);
          journal.flush();
          lane.breaker.success();
          attempt = 0;
          lane.queue.shift();
          this.#track(recorded).then(
            () => {
              this.delivered += 1;
              this.#settle();
            },
            (error: Error) => {
              log("error", `could not record delivery of ${job.event_id}: ${error.message}; it may be sent again after a restart`);
              this.#settle();
            },
          );
          continue;
        }
        if (signal.aborted) break;
        if (!result.retryable) {
          log("error", `giving up on ${job.event_kind} ${job.event_id} → ${describeTarget(job.target)}: ${result.reason}`);
          await appendFile(
            this.#options.deadLetterPath,
            `${JSON.stringify({ job, reason: result.reason, at: new Date(clock.now()).toISOString() })}\n`,
            {
              mode: 0o600,
            },
          );
          await journal.append([{ t: "dead", key: job.key, reason: result.reason }]);
          this.dead += 1;
          attempt = 0;
          this.#finish(lane);
          continue;
        }
        attempt += 1;
        if (!result.rateLimited) lane.breaker.failure(clock.now());
        const delay = result.retryAfterMs ?? backoffDelay(attempt, policy.backoffBaseMs, policy.backoffMaxMs, this.#options.random);
        log("warn", `delivery to ${describeTarget(job.target)} failed (attempt ${attempt}): ${result.reason}; retrying in ${delay} ms`);
        await this.#wait(delay);
      }
    } catch (error) {
      log("error", `delivery lane ${describeTarget((lane.queue[0] as ClawhipDeliveryJob).target)} stopped: ${(error as Error).message}`);
    } finally {
      lane.running = false;
    }
  }

  #finish(lane: Lane): void {
    lane.queue.shift();
    this.#settle();
  }

  #settle(): void {
    this.#inFlight -= 1;
    if (this.#inFlight === 0) {
      for (const resolvePromise of this.#idleWaiters) resolvePromise();
      this.#idleWaiters.clear();
    }
  }
}
