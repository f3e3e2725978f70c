import { join } from "node:path";
import type { ClawhipConfig, ClawhipDeliveryJob, ClawhipHealth } from "@clawbridge/contracts";
import { ciJobsComplete, combineCiBatch } from "../deliver/ci-batch.js";
import { type Clock, systemClock } from "../deliver/clock.js";
import { Dispatcher } from "../deliver/dispatcher.js";
import { type FetchLike, jobSender } from "../deliver/send-job.js";
import { SpoolJournal } from "../deliver/spool-journal.js";
import {
  type AcceptOutcome,
  acceptIncoming,
  acceptIngress,
  acceptRawIngress,
  deliveryJobs,
  type IngressSurface,
} from "../ingress/accept.js";
import type { IncomingEvent } from "../normalize/incoming.js";
import { isoNow } from "../normalize/iso-now.js";
import { type NormalizeEnv, systemNormalizeEnv } from "../normalize/normalize-event.js";
import { IgnoredDelivery } from "../sources/github-webhook.js";
import { VERSION } from "../version.js";
import { expandDynamicDeliveries, hasDynamicDeliveries, systemTokenDeps, type TokenDeps } from "./dynamic-tokens.js";

export type RuntimeLog = (level: "info" | "warn" | "error", message: string) => void;

export interface ClawhipRuntimeOptions {
  config: ClawhipConfig;
  /** Holds the spool journal and the dead-letter file. */
  stateDir: string;
  /** Discord bot token for channel targets; from the environment or the config. Never logged. */
  discordToken?: string;
  fetch?: FetchLike;
  clock?: Clock;
  env?: NormalizeEnv;
  log?: RuntimeLog;
  random?: () => number;
  /** What dynamic template tokens read and run (`allow_dynamic_tokens = true` routes only). */
  tokens?: TokenDeps;
}

export interface IngressReply {
  status: number;
  body: unknown;
}

/** One ingress request body, as received. */
export interface RawIngress {
  surface: IngressSurface;
  text: string;
}

function spoolUnavailable(error: Error): IngressReply {
  return { status: 503, body: { ok: false, error: `event spool unavailable: ${error.message}` } };
}

/**
 * One clawhip instance: accepts events (decode → normalize → validate → route → render), spools
 * their deliveries durably before answering, and delivers them in the background. Used by the
 * daemon, by the OpenClaw plugin and by tests, so all three share one code path.
 */
export class ClawhipRuntime {
  readonly config: ClawhipConfig;
  readonly journal: SpoolJournal;
  readonly dispatcher: Dispatcher;
  readonly #env: NormalizeEnv;
  readonly #log: RuntimeLog;
  readonly #closeTransport: () => void;
  readonly #tokens: TokenDeps;

  private constructor(
    config: ClawhipConfig,
    journal: SpoolJournal,
    dispatcher: Dispatcher,
    env: NormalizeEnv,
    log: RuntimeLog,
    closeTransport: () => void,
    tokens: TokenDeps,
  ) {
    this.#closeTransport = closeTransport;
    this.#tokens = tokens;
    this.config = config;
    this.journal = journal;
    this.dispatcher = dispatcher;
    this.#env = env;
    this.#log = log;
  }

  static async start(options: ClawhipRuntimeOptions): Promise<ClawhipRuntime> {
    const { config } = options;
    const clock = options.clock ?? systemClock;
    const log: RuntimeLog = options.log ?? ((level, message) => process.stderr.write(`clawhip ${level}: ${message}\n`));
    const journal = await SpoolJournal.open(join(options.stateDir, "spool"), {
      dedupeWindow: config.delivery.dedupe_window,
      fsync: config.daemon.spool_fsync,
      fsyncIntervalMs: config.daemon.spool_fsync_interval_ms,
      residentPerTarget: config.daemon.spool_resident_jobs,
      onReadError: (error) =>
        log("error", `could not read waiting deliveries back from the spool: ${error.message}; retrying on the next delivery`),
    });
    if (journal.skippedLines > 0) log("warn", `spool replay skipped ${journal.skippedLines} torn or invalid line(s)`);
    for (const damaged of journal.setAside) {
      log(
        "error",
        `spool segment with ${damaged.badLines} unreadable line(s) set aside as ${damaged.movedTo}; its readable lines were kept`,
      );
    }
    const sender = jobSender(config, options, () => clock.now());
    const dispatcher = new Dispatcher({
      journal,
      clock,
      log,
      deadLetterPath: join(options.stateDir, "dead-letter.ndjson"),
      send: sender.send,
      policy: {
        backoffBaseMs: config.delivery.backoff_base_ms,
        backoffMaxMs: config.delivery.backoff_max_ms,
        breakerThreshold: config.delivery.breaker_threshold,
        breakerCooldownMs: config.delivery.breaker_cooldown_ms,
        ratePerSec: config.delivery.rate_per_sec,
        rateBurst: config.delivery.rate_burst,
      },
      ...(options.random ? { random: options.random } : {}),
      routineBatchWindowMs: config.dispatch.routine_batch_window_secs * 1000,
      ...(config.dispatch.ci_batch_window_secs !== undefined
        ? { ciBatch: { windowMs: config.dispatch.ci_batch_window_secs * 1000, combine: combineCiBatch, isComplete: ciJobsComplete } }
        : {}),
    });
    const runtime = new ClawhipRuntime(
      config,
      journal,
      dispatcher,
      options.env ?? systemNormalizeEnv,
      log,
      sender.close,
      options.tokens ?? { ...systemTokenDeps, now: () => clock.now() },
    );
    const recovered = journal.pendingJobs();
    if (recovered.length > 0) log("info", `resuming ${recovered.length} spooled deliver${recovered.length === 1 ? "y" : "ies"}`);
    dispatcher.submit(recovered);
    return runtime;
  }

  /** Accepts a parsed ingress body. 202 only after the event's deliveries are written to the spool. */
  accept(surface: IngressSurface, body: unknown): Promise<IngressReply> {
    return Promise.resolve(this.#commit(acceptIngress(surface, body, this.config, this.#env)));
  }

  /**
   * Accepts the bodies of several requests (those of one event-loop turn): each is parsed and run
   * through the pipeline back to back, their jobs go to the spool in one append (one write), and every
   * reply waits for that write.
   */
  acceptBatch(items: readonly RawIngress[]): Promise<IngressReply[]> {
    const replies: IngressReply[] = [];
    const jobs: ClawhipDeliveryJob[] = [];
    /** The replies that wait for the spool write, and the client-supplied keys of this batch. */
    const spooled: number[] = [];
    const batchKeys = new Set<string>();
    /** Replies of outcomes committed on their own (dynamic tokens), by index. */
    const own: Array<[number, IngressReply | Promise<IngressReply>]> = [];
    for (const item of items) {
      let outcome: AcceptOutcome;
      try {
        outcome = acceptRawIngress(item.surface, item.text, this.config, this.#env);
      } catch (error) {
        if (error instanceof IgnoredDelivery) replies.push({ status: 202, body: { ok: true, ignored: true, reason: error.message } });
        else {
          // A bug for one body must not fail the others of its batch.
          this.#log("error", `ingress ${item.surface} failed: ${(error as Error).stack ?? error}`);
          replies.push({ status: 500, body: { ok: false, error: "internal error" } });
        }
        continue;
      }
      if (outcome.ok && hasDynamicDeliveries(outcome.plan)) {
        // Its tokens run before it can be spooled: it takes its own write, and its reply waits for it.
        own.push([replies.length, this.#commit(outcome)]);
        replies.push({ status: outcome.status, body: outcome.body });
        continue;
      }
      const staged = this.#jobsOf(outcome, batchKeys);
      if (staged.length > 0) {
        spooled.push(replies.length);
        for (const job of staged) jobs.push(job);
      }
      replies.push({ status: outcome.status, body: outcome.body });
    }
    const separately = Promise.all(
      own.map(async ([index, reply]) => {
        try {
          replies[index] = await reply;
        } catch (error) {
          // As for a body that fails in the pipeline: the others of the batch keep their replies.
          this.#log("error", `ingress failed: ${(error as Error).stack ?? error}`);
          replies[index] = { status: 500, body: { ok: false, error: "internal error" } };
        }
      }),
    );
    if (jobs.length === 0) return separately.then(() => replies);
    const written = this.journal.appendJobs(jobs);
    this.journal.flush();
    const together = written.then(
      (resident) => this.dispatcher.submit(resident),
      (error: Error) => {
        this.#log("error", `spool write failed: ${error.message}`);
        for (const index of spooled) replies[index] = spoolUnavailable(error);
      },
    );
    return Promise.all([separately, together]).then(() => replies);
  }

  /** Accepts an event built in-process (plugin lifecycle hooks). */
  acceptEvent(incoming: IncomingEvent): Promise<IngressReply> {
    return Promise.resolve(this.#commit(acceptIncoming(incoming, this.config, this.#env)));
  }

  /**
   * The spool jobs of an accepted outcome that are not known yet (logging what was not routed or
   * rendered). `batchKeys` holds the client-supplied keys of the jobs staged alongside, not yet in the journal.
   */
  #jobsOf(outcome: AcceptOutcome, batchKeys?: Set<string>): ClawhipDeliveryJob[] {
    if (!outcome.ok) return [];
    const { event, plan } = outcome;
    if (!plan.ok) this.#log("error", `event ${event.kind} ${String(event.payload.event_id)} not routed: ${plan.error}`);
    else for (const skipped of plan.skipped) this.#log("warn", `event ${event.kind} delivery skipped: ${skipped}`);
    const planned = deliveryJobs(event, plan, isoNow());
    // A freshly minted event id cannot have been seen: only a client-supplied one is looked up.
    if (outcome.mintedId) return planned;
    return planned.filter((job) => {
      if (this.journal.isKnown(job.key) || batchKeys?.has(job.key)) return false;
      batchKeys?.add(job.key);
      return true;
    });
  }

  /**
   * Spools the outcome's jobs; the reply is immediate when there is nothing to write. Dynamic tokens
   * are evaluated first, so the spool holds the final text: a retry or a resend after a restart sends
   * what the first attempt would have, and the 202 still waits for the spool.
   */
  #commit(outcome: AcceptOutcome): IngressReply | Promise<IngressReply> {
    if (outcome.ok && hasDynamicDeliveries(outcome.plan)) {
      return expandDynamicDeliveries(outcome.plan, this.#tokens).then((plan) => this.#spool({ ...outcome, plan }));
    }
    return this.#spool(outcome);
  }

  #spool(outcome: AcceptOutcome): IngressReply | Promise<IngressReply> {
    const jobs = this.#jobsOf(outcome);
    const reply = { status: outcome.status, body: outcome.body };
    if (jobs.length === 0) return reply;
    return this.journal.appendJobs(jobs).then(
      (resident) => {
        this.dispatcher.submit(resident);
        return reply;
      },
      (error: Error) => {
        this.#log("error", `spool write failed: ${error.message}`);
        return spoolUnavailable(error);
      },
    );
  }

  health(): ClawhipHealth {
    return {
      ok: true,
      version: VERSION,
      pending: this.journal.pendingCount,
      delivered: this.dispatcher.delivered,
      dead: this.dispatcher.dead,
    };
  }

  async stop(): Promise<void> {
    await this.dispatcher.stop();
    this.#closeTransport();
    await this.journal.close();
  }
}
