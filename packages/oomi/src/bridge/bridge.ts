import type { OomiChannelMessage, OomiJobExecutionResult } from "@clawbridge/contracts";
import { type Clock, errorMessage, systemClock } from "@clawbridge/plugin-host";
import type { OomiBackendClient } from "../backend/client.js";
import type { Env } from "../paths.js";
import { executePersonaJob, parsePersonaJobMessage } from "./job-executor.js";
import { type SupervisedPersona, supervisePersonas } from "./supervisor.js";

export const POLL_LIMIT = 10;
export const HEARTBEAT_INTERVAL_MS = 30_000;
export const DEFAULT_POLL_INTERVAL_MS = 2_000;

export type BridgeEvent =
  | { type: "job"; messageId: string; result: OomiJobExecutionResult }
  | { type: "ack"; messageId: string; outcome: "delivered" | "failed" }
  | { type: "poll_error"; error: string }
  | { type: "supervise"; personas: SupervisedPersona[] };

export interface OomiBridgeOptions {
  client: OomiBackendClient;
  workspaceRoot: string;
  env: Env;
  clock?: Clock;
  pollIntervalMs?: number;
  heartbeatIntervalMs?: number;
  healthTimeoutMs?: number;
  onEvent?: (event: BridgeEvent) => void;
}

export interface BridgeCounters {
  jobsSucceeded: number;
  jobsFailed: number;
  lastPollAt: string | null;
  lastHeartbeatAt: string | null;
  lastError: string | null;
}

/**
 * The persona-job bridge: polls the backend for `persona_job` messages only (chat is the `oomi`
 * channel's), executes them, acks every message `delivered` or `failed`, and supervises running personas with a heartbeat. Timers come
 * from the injected clock; `pollOnce` and `superviseOnce` are the units tests drive directly.
 */
export class OomiBridge {
  readonly counters: BridgeCounters = {
    jobsSucceeded: 0,
    jobsFailed: 0,
    lastPollAt: null,
    lastHeartbeatAt: null,
    lastError: null,
  };
  readonly #options: OomiBridgeOptions;
  readonly #clock: Clock;
  #pollTimer: unknown = null;
  #superviseTimer: unknown = null;
  #running = false;
  #inFlight: Promise<unknown> = Promise.resolve();

  constructor(options: OomiBridgeOptions) {
    this.#options = options;
    this.#clock = options.clock ?? systemClock;
  }

  start(): void {
    if (this.#running) return;
    this.#running = true;
    this.#schedulePoll(0);
    this.#scheduleSupervise(this.#options.heartbeatIntervalMs ?? HEARTBEAT_INTERVAL_MS);
  }

  /** Stops scheduling and waits for the pass in progress, so no job is cut off half-way. */
  async stop(): Promise<void> {
    this.#running = false;
    if (this.#pollTimer) this.#clock.clearTimeout(this.#pollTimer);
    if (this.#superviseTimer) this.#clock.clearTimeout(this.#superviseTimer);
    this.#pollTimer = null;
    this.#superviseTimer = null;
    await this.#inFlight.catch(() => {});
  }

  #schedulePoll(ms: number): void {
    this.#pollTimer = this.#clock.setTimeout(() => {
      const pass = this.pollOnce().finally(() => {
        if (this.#running) this.#schedulePoll(this.#options.pollIntervalMs ?? DEFAULT_POLL_INTERVAL_MS);
      });
      this.#inFlight = pass;
    }, ms);
  }

  #scheduleSupervise(ms: number): void {
    this.#superviseTimer = this.#clock.setTimeout(() => {
      const pass = this.superviseOnce().finally(() => {
        if (this.#running) this.#scheduleSupervise(this.#options.heartbeatIntervalMs ?? HEARTBEAT_INTERVAL_MS);
      });
      this.#inFlight = pass;
    }, ms);
  }

  #emit(event: BridgeEvent): void {
    this.#options.onEvent?.(event);
  }

  async #ack(messageId: string, outcome: "delivered" | "failed", failureCode?: string): Promise<void> {
    await this.#options.client.ack({ messageId, outcome, ...(failureCode ? { failureCode } : {}) });
    this.#emit({ type: "ack", messageId, outcome });
  }

  /** One poll: every message is handled and acked; a poll failure is recorded, never thrown. */
  async pollOnce(): Promise<number> {
    const { client } = this.#options;
    let messages: OomiChannelMessage[];
    try {
      messages = await client.poll(POLL_LIMIT, "persona_job");
      this.counters.lastPollAt = new Date(this.#clock.now()).toISOString();
    } catch (error) {
      this.counters.lastError = errorMessage(error);
      this.#emit({ type: "poll_error", error: this.counters.lastError });
      return 0;
    }
    for (const message of messages) {
      try {
        await this.#handleJob(message);
      } catch (error) {
        this.counters.lastError = errorMessage(error);
        this.#emit({ type: "poll_error", error: this.counters.lastError });
      }
    }
    return messages.length;
  }

  async #handleJob(message: OomiChannelMessage): Promise<void> {
    let job: ReturnType<typeof parsePersonaJobMessage>;
    try {
      job = parsePersonaJobMessage(message);
    } catch (error) {
      this.counters.jobsFailed += 1;
      this.counters.lastError = errorMessage(error);
      await this.#ack(message.messageId, "failed", "persona_job_invalid");
      return;
    }
    const result = await executePersonaJob(job, {
      client: this.#options.client,
      workspaceRoot: this.#options.workspaceRoot,
      env: this.#options.env,
      now: () => new Date(this.#clock.now()),
      ...(this.#options.healthTimeoutMs ? { healthTimeoutMs: this.#options.healthTimeoutMs } : {}),
    });
    this.#emit({ type: "job", messageId: message.messageId, result });
    if (result.ok) {
      this.counters.jobsSucceeded += 1;
      await this.#ack(message.messageId, "delivered");
    } else {
      this.counters.jobsFailed += 1;
      this.counters.lastError = result.error?.message ?? null;
      await this.#ack(message.messageId, "failed", "persona_job_delivery_failed");
    }
  }

  async superviseOnce(): Promise<SupervisedPersona[]> {
    const personas = await supervisePersonas({
      client: this.#options.client,
      workspaceRoot: this.#options.workspaceRoot,
      env: this.#options.env,
      now: () => new Date(this.#clock.now()),
      ...(this.#options.healthTimeoutMs ? { healthTimeoutMs: this.#options.healthTimeoutMs } : {}),
    }).catch((error) => {
      this.counters.lastError = errorMessage(error);
      return [] as SupervisedPersona[];
    });
    if (personas.some((p) => p.heartbeat)) this.counters.lastHeartbeatAt = new Date(this.#clock.now()).toISOString();
    this.#emit({ type: "supervise", personas });
    return personas;
  }
}
