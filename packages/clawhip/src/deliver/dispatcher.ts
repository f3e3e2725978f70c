import { appendFile } from "node:fs/promises";
import type { ClawhipDeliveryJob } from "@clawbridge/contracts";
import { backoffDelay } from "./backoff.js";
import { CircuitBreaker } from "./circuit-breaker.js";
import type { Clock } from "./clock.js";
import { laneName } from "./lane-name.js";
import { describeTarget } from "./redact-target.js";
import { combineRoutineBatch, type Delivery, WindowBatcher } from "./routine-batch.js";
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
  /**
   * `[dispatch].routine_batch_window_secs` in ms; 0 or absent sends every job as it comes. Jobs that
   * carry a `batch` group then wait (already spooled) for their group's window to close.
   */
  routineBatchWindowMs?: number;
  /**
   * `[dispatch].ci_batch_window_secs` in ms, with what builds a run's one message: jobs whose batch
   * carries `ci` wait for their run's window (or until the run is complete).
   */
  ciBatch?: {
    windowMs: number;
    combine: (members: readonly ClawhipDeliveryJob[]) => Delivery;
    isComplete: (members: readonly ClawhipDeliveryJob[]) => boolean;
  };
}

interface Lane {
  name: string;
  queue: Delivery[];
  running: boolean;
  breaker: CircuitBreaker;
  bucket: TokenBucket;
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
  readonly #batcher: WindowBatcher | undefined;
  readonly #ciBatcher: WindowBatcher | undefined;
  #batchTimer: Promise<void> | undefined;
  /** The end of the batch loop's current sleep, and how to cut it short for an earlier group. */
  #sleepingUntil = Number.POSITIVE_INFINITY;
  #wake: AbortController | undefined;
  #inFlight = 0;
  delivered = 0;
  dead = 0;
  attempts = 0;

  constructor(options: DispatcherOptions) {
    this.#options = options;
    const windowMs = options.routineBatchWindowMs ?? 0;
    this.#batcher = windowMs > 0 ? new WindowBatcher({ windowMs, combine: combineRoutineBatch }) : undefined;
    this.#ciBatcher = options.ciBatch ? new WindowBatcher(options.ciBatch) : undefined;
    // A target's backlog past what the journal holds in memory comes back as its lane makes room.
    options.journal.onLoad((jobs) => this.submit(jobs));
  }

  /**
   * Queues jobs that are already durable in the journal. A batchable job waits for its group's window
   * (one that was recovered from the spool after a restart opens a new window): until the window
   * closes it is only in the journal, so a crash meanwhile loses nothing.
   */
  submit(jobs: readonly ClawhipDeliveryJob[]): void {
    for (const job of jobs) {
      this.#inFlight += 1;
      const batcher = job.batch ? (job.batch.ci ? this.#ciBatcher : this.#batcher) : undefined;
      if (!batcher || !job.batch) {
        this.#enqueue({ job, members: [job] });
        continue;
      }
      const complete = batcher.add(job, job.batch.key, this.#options.clock.now());
      if (complete) this.#enqueue(complete);
    }
    if (this.#waiting() === 0) return;
    this.#batchTimer ??= this.#runBatches();
    // The two windows differ: a new group can be due before the one the loop sleeps for.
    if ((this.#nextDueAt() ?? Number.POSITIVE_INFINITY) < this.#sleepingUntil) this.#wake?.abort();
  }

  #waiting(): number {
    return (this.#batcher?.size ?? 0) + (this.#ciBatcher?.size ?? 0);
  }

  #nextDueAt(): number | undefined {
    const due = [this.#batcher?.nextDueAt(), this.#ciBatcher?.nextDueAt()].filter((at): at is number => at !== undefined);
    return due.length > 0 ? Math.min(...due) : undefined;
  }

  /** Sends each group as its window closes, until none waits (or the dispatcher stops). */
  async #runBatches(): Promise<void> {
    const { clock } = this.#options;
    try {
      for (let dueAt = this.#nextDueAt(); dueAt !== undefined && !this.#abort.signal.aborted; dueAt = this.#nextDueAt()) {
        const wait = dueAt - clock.now();
        if (wait > 0) {
          const wake = new AbortController();
          this.#wake = wake;
          this.#sleepingUntil = dueAt;
          await clock.sleep(wait, AbortSignal.any([this.#abort.signal, wake.signal]));
          this.#sleepingUntil = Number.POSITIVE_INFINITY;
          this.#wake = undefined;
        }
        if (this.#abort.signal.aborted) break;
        const now = clock.now();
        for (const batcher of [this.#batcher, this.#ciBatcher]) for (const delivery of batcher?.takeDue(now) ?? []) this.#enqueue(delivery);
      }
    } finally {
      this.#batchTimer = undefined;
    }
  }

  #enqueue(delivery: Delivery): void {
    const name = laneName(delivery.job);
    let lane = this.#lanes.get(name);
    if (!lane) {
      const { policy, clock } = this.#options;
      lane = {
        name,
        queue: [],
        running: false,
        breaker: new CircuitBreaker(policy.breakerThreshold, policy.breakerCooldownMs),
        bucket: new TokenBucket(policy.ratePerSec, policy.rateBurst, clock.now()),
      };
      this.#lanes.set(name, lane);
    }
    lane.queue.push(delivery);
    if (!lane.running) void this.#run(lane);
  }

  get pending(): number {
    return this.#inFlight;
  }

  /** Resolves once every job is delivered or dead-lettered, those still waiting in the journal's file included. */
  idle(): Promise<void> {
    if (this.#isIdle()) return Promise.resolve();
    return new Promise((resolvePromise) => this.#idleWaiters.add(resolvePromise));
  }

  /**
   * Stops the lanes and the batch windows (what waits stays in the journal for the next start);
   * resolves once every delivery already made is recorded in the journal.
   */
  async stop(): Promise<void> {
    this.#abort.abort();
    await this.#batchTimer;
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
        const { job, members } = lane.queue[0] as Delivery;
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
          const recorded = journal.append(members.map((member) => ({ t: "done" as const, key: member.key })));
          journal.flush();
          lane.breaker.success();
          attempt = 0;
          lane.queue.shift();
          this.#track(recorded).then(
            () => {
              this.delivered += members.length;
              this.#settle(members.length);
            },
            (error: Error) => {
              log("error", `could not record delivery of ${job.event_id}: ${error.message}; it may be sent again after a restart`);
              this.#settle(members.length);
            },
          );
          continue;
        }
        if (signal.aborted) break;
        if (!result.retryable) {
          log("error", `giving up on ${job.event_kind} ${job.event_id} → ${describeTarget(job.target)}: ${result.reason}`);
          // A batch is dead-lettered as the jobs it was made of, so each can be replayed on its own.
          const at = new Date(clock.now()).toISOString();
          await appendFile(
            this.#options.deadLetterPath,
            members.map((member) => `${JSON.stringify({ job: member, reason: result.reason, at })}\n`).join(""),
            { mode: 0o600 },
          );
          await journal.append(members.map((member) => ({ t: "dead" as const, key: member.key, reason: result.reason })));
          this.dead += members.length;
          attempt = 0;
          lane.queue.shift();
          this.#settle(members.length);
          continue;
        }
        attempt += 1;
        if (!result.rateLimited) lane.breaker.failure(clock.now());
        const delay = result.retryAfterMs ?? backoffDelay(attempt, policy.backoffBaseMs, policy.backoffMaxMs, this.#options.random);
        log("warn", `delivery to ${describeTarget(job.target)} failed (attempt ${attempt}): ${result.reason}; retrying in ${delay} ms`);
        await this.#wait(delay);
      }
    } catch (error) {
      log("error", `delivery lane ${describeTarget((lane.queue[0] as Delivery).job.target)} stopped: ${(error as Error).message}`);
    } finally {
      lane.running = false;
    }
  }

  #isIdle(): boolean {
    return this.#inFlight === 0 && this.#options.journal.waitingInFile === 0;
  }

  #settle(count: number): void {
    this.#inFlight -= count;
    if (this.#isIdle()) {
      for (const resolvePromise of this.#idleWaiters) resolvePromise();
      this.#idleWaiters.clear();
    }
  }
}
