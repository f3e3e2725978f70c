import { hostname } from "node:os";
import type { ClawhipCluster, ClawhipConfig, ClawhipHealth } from "@clawbridge/contracts";
import { jetstream, jetstreamManager } from "@nats-io/jetstream";
import type { NatsConnection } from "@nats-io/transport-node";
import { systemClock } from "../deliver/clock.js";
import { jobSender } from "../deliver/send-job.js";
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
import type { ClawhipRuntimeOptions, IngressReply, RawIngress, RuntimeLog } from "../runtime/clawhip-runtime.js";
import { expandDynamicDeliveries, hasDynamicDeliveries, systemTokenDeps, type TokenDeps } from "../runtime/dynamic-tokens.js";
import { IgnoredDelivery } from "../sources/github-webhook.js";
import { VERSION } from "../version.js";
import { ClusterDeliverer } from "./cluster-deliverer.js";
import { ClusterState } from "./cluster-state.js";
import { ConnectionWatch, connectCluster, describeServers, ensureTopology } from "./nats-connection.js";
import { jobMessageId, jobSubject } from "./subjects.js";

export interface ClusterRuntimeOptions extends ClawhipRuntimeOptions {
  cluster: ClawhipCluster;
  /** Where `CLAWHIP_NATS_TOKEN` is read; defaults to the process environment. */
  credentialsEnv?: { CLAWHIP_NATS_TOKEN?: string | undefined };
}

/**
 * clawhip in cluster mode: the same accept pipeline as `ClawhipRuntime`, but an event's jobs are
 * published to the JetStream job stream (deduplicated by `Nats-Msg-Id`) and the 202 waits for the
 * stream's acknowledgement of every one; delivery is a `ClusterDeliverer` on the shared consumer, so
 * any daemon delivers any job. Nothing is kept on local disk.
 */
export class ClusterRuntime {
  readonly config: ClawhipConfig;
  readonly cluster: ClawhipCluster;
  readonly deliverer: ClusterDeliverer;
  readonly name: string;
  readonly #nc: NatsConnection;
  readonly #env: NormalizeEnv;
  readonly #log: RuntimeLog;
  readonly #js: ReturnType<typeof jetstream>;
  readonly #closeTransport: () => void;
  readonly #heartbeat: NodeJS.Timeout;
  readonly #link: ConnectionWatch;
  readonly #tokens: TokenDeps;

  private constructor(init: {
    config: ClawhipConfig;
    cluster: ClawhipCluster;
    nc: NatsConnection;
    deliverer: ClusterDeliverer;
    env: NormalizeEnv;
    log: RuntimeLog;
    name: string;
    closeTransport: () => void;
    beat: () => void;
    link: ConnectionWatch;
    tokens: TokenDeps;
  }) {
    this.config = init.config;
    this.cluster = init.cluster;
    this.deliverer = init.deliverer;
    this.name = init.name;
    this.#nc = init.nc;
    this.#js = jetstream(init.nc);
    this.#env = init.env;
    this.#log = init.log;
    this.#closeTransport = init.closeTransport;
    this.#heartbeat = setInterval(init.beat, init.cluster.heartbeat_ms);
    this.#heartbeat.unref();
    this.#link = init.link;
    this.#tokens = init.tokens;
  }

  static async start(options: ClusterRuntimeOptions): Promise<ClusterRuntime> {
    const { config, cluster } = options;
    const clock = options.clock ?? systemClock;
    const log: RuntimeLog = options.log ?? ((level, message) => process.stderr.write(`clawhip ${level}: ${message}\n`));
    const name = cluster.daemon_name ?? `${hostname().replace(/[^A-Za-z0-9_-]/g, "-")}-${process.pid}`;
    const nc = await connectCluster(cluster, { name: `clawhip ${name}`, reconnect: true, env: options.credentialsEnv ?? process.env });
    const link = new ConnectionWatch(nc, log);
    try {
      const jsm = await jetstreamManager(nc);
      const kv = await ensureTopology(nc, jsm, cluster);
      const js = jetstream(nc);
      const consumer = await js.consumers.get(cluster.stream, cluster.consumer);
      const state = new ClusterState(
        kv,
        {
          ratePerSec: config.delivery.rate_per_sec,
          burst: config.delivery.rate_burst,
          breakerThreshold: config.delivery.breaker_threshold,
          breakerCooldownMs: config.delivery.breaker_cooldown_ms,
        },
        () => clock.now(),
      );
      const sender = jobSender(config, options, () => clock.now());
      const deliverer = new ClusterDeliverer({
        cluster,
        js,
        jsm,
        consumer,
        state,
        send: sender.send,
        clock,
        backoffBaseMs: config.delivery.backoff_base_ms,
        backoffMaxMs: config.delivery.backoff_max_ms,
        daemon: name,
        disconnects: () => link.disconnects,
        log,
        ...(options.random ? { random: options.random } : {}),
      });
      const startedAt = new Date(clock.now()).toISOString();
      const beat = () => {
        state
          .beat({
            name,
            host: hostname(),
            pid: process.pid,
            started_at: startedAt,
            seen_at: new Date(clock.now()).toISOString(),
            delivered: deliverer.delivered,
            dead: deliverer.dead,
            in_flight: deliverer.inFlight,
          })
          .catch((error: Error) => log("warn", `cluster heartbeat failed: ${error.message}`));
      };
      const runtime = new ClusterRuntime({
        config,
        cluster,
        nc,
        deliverer,
        env: options.env ?? systemNormalizeEnv,
        log,
        name,
        closeTransport: sender.close,
        beat,
        link,
        tokens: options.tokens ?? { ...systemTokenDeps, now: () => clock.now() },
      });
      beat();
      await deliverer.start();
      log("info", `cluster daemon ${name} delivering from ${cluster.stream}/${cluster.consumer} on ${describeServers(cluster.servers)}`);
      return runtime;
    } catch (error) {
      await nc.close();
      throw error;
    }
  }

  accept(surface: IngressSurface, body: unknown): Promise<IngressReply> {
    return this.#commit(acceptIngress(surface, body, this.config, this.#env));
  }

  acceptBatch(items: readonly RawIngress[]): Promise<IngressReply[]> {
    return Promise.all(
      items.map((item) => {
        let outcome: AcceptOutcome;
        try {
          outcome = acceptRawIngress(item.surface, item.text, this.config, this.#env);
        } catch (error) {
          if (error instanceof IgnoredDelivery) return { status: 202, body: { ok: true, ignored: true, reason: error.message } };
          this.#log("error", `ingress ${item.surface} failed: ${(error as Error).stack ?? error}`);
          return { status: 500, body: { ok: false, error: "internal error" } };
        }
        return this.#commit(outcome);
      }),
    );
  }

  acceptEvent(incoming: IncomingEvent): Promise<IngressReply> {
    return this.#commit(acceptIncoming(incoming, this.config, this.#env));
  }

  /** Publishes the outcome's jobs; 202 only once the stream acknowledged every one of them. */
  async #commit(outcome: AcceptOutcome): Promise<IngressReply> {
    if (!outcome.ok) return { status: outcome.status, body: outcome.body };
    const { event } = outcome;
    // Tokens are evaluated before the publish, as before the spool: every daemon sends the same text.
    const plan = hasDynamicDeliveries(outcome.plan) ? await expandDynamicDeliveries(outcome.plan, this.#tokens) : outcome.plan;
    if (!plan.ok) this.#log("error", `event ${event.kind} ${String(event.payload.event_id)} not routed: ${plan.error}`);
    else for (const skipped of plan.skipped) this.#log("warn", `event ${event.kind} delivery skipped: ${skipped}`);
    const jobs = deliveryJobs(event, plan, isoNow());
    try {
      await Promise.all(
        jobs.map((job) =>
          this.#js.publish(jobSubject(this.cluster, job.target), JSON.stringify(job), {
            msgID: jobMessageId(job),
            timeout: this.cluster.publish_timeout_ms,
          }),
        ),
      );
    } catch (error) {
      // Jobs of this event that did reach the stream are deduplicated when the client retries.
      this.#log("error", `job stream did not acknowledge: ${(error as Error).message}`);
      return { status: 503, body: { ok: false, error: `delivery stream unavailable: ${(error as Error).message}` } };
    }
    return { status: outcome.status, body: outcome.body };
  }

  health(): ClawhipHealth {
    return {
      ok: true,
      version: VERSION,
      pending: this.deliverer.inFlight,
      delivered: this.deliverer.delivered,
      dead: this.deliverer.dead,
      cluster: {
        daemon: this.name,
        connected: this.#link.connected,
        deferred: this.deliverer.deferred,
        unconfirmed_acks: this.deliverer.failedAcks,
        released: this.deliverer.released,
      },
    };
  }

  async stop(): Promise<void> {
    clearInterval(this.#heartbeat);
    await this.deliverer.stop();
    this.#closeTransport();
    await this.#nc.drain().catch(() => this.#nc.close());
  }
}
