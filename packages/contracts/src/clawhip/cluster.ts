import { z } from "zod";
import { isPrototypeKey } from "../record-id.js";

/** A JetStream stream, consumer or KV bucket name: no dots, spaces, wildcards or path separators. */
const natsName = z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, "letters, digits, '_' and '-' only (at most 64)");

/** A subject prefix: dot-separated tokens without wildcards. */
const subjectPrefix = z.string().regex(/^[A-Za-z0-9_-]+(\.[A-Za-z0-9_-]+)*$/, "dot-separated tokens of letters, digits, '_' and '-'");

const natsServer = z.string().regex(/^(nats|tls|wss?):\/\/[^\s]+$|^[^\s:/]+:\d+$/, "a server URL (nats://host:port) or host:port");

/**
 * `[cluster]`: several daemons share one durable delivery stream on NATS JetStream instead of each
 * keeping a local spool. Absent, clawhip uses the embedded file spool. Credentials are a token, an
 * nkey seed file or a `.creds` file (JWT + nkey); they are read from the config or the environment
 * (`CLAWHIP_NATS_TOKEN`) and never printed.
 */
export const ClawhipClusterSchema = z
  .strictObject({
    backend: z.literal("nats", { error: 'cluster backend: only "nats" is supported' }),
    servers: z.array(natsServer).min(1, "cluster servers: at least one").default(["nats://127.0.0.1:4222"]),
    token: z.string().min(1).optional(),
    /** A file holding an nkey seed (`SU…`), for nkey authentication. */
    nkey_file: z.string().min(1).optional(),
    /** A NATS `.creds` file (user JWT and nkey seed), for decentralized (operator) authentication. */
    creds_file: z.string().min(1).optional(),
    /** The stream that holds delivery jobs until a daemon delivers them (work-queue retention). */
    stream: natsName.default("CLAWHIP_JOBS"),
    /** The stream that keeps dead letters (jobs given up), for inspection and replay by hand. */
    dead_letter_stream: natsName.default("CLAWHIP_DEAD"),
    /** The shared durable pull consumer every daemon delivers from. */
    consumer: natsName.default("clawhip-delivery"),
    /** The KV bucket of per-target rate-limit and breaker state, retry counts and daemon heartbeats. */
    kv_bucket: natsName.default("clawhip_state"),
    /** Jobs are published to `<prefix>.jobs.<target>`, dead letters to `<prefix>.dead.<target>`. */
    subject_prefix: subjectPrefix.default("clawhip"),
    /** JetStream's duplicate window: a job published again (same event id and target) inside it is dropped. */
    dedupe_window_ms: z
      .number()
      .int()
      .min(1000)
      .max(7 * 24 * 3_600_000)
      .default(120_000),
    /** Failed sending attempts of one job (5xx, 408, network) before it is dead-lettered; 429s do not count. */
    max_attempts: z.number().int().min(1).max(10_000).default(20),
    /** Deliveries one daemon runs at once. */
    max_in_flight: z.number().int().min(1).max(10_000).default(64),
    /** How long a delivery may stay unacknowledged before another daemon gets it (extended by in-progress acks). */
    ack_wait_ms: z.number().int().min(1000).max(3_600_000).default(30_000),
    /** How long ingress waits for the stream's publish acknowledgement before answering 503. */
    publish_timeout_ms: z.number().int().min(100).max(60_000).default(5_000),
    /** How often a daemon records itself in the KV bucket (`clawhip cluster status` lists daemons seen). */
    heartbeat_ms: z.number().int().min(100).max(600_000).default(5_000),
    /** Stream replicas (1 for one server; 3 for a NATS cluster of three). */
    replicas: z.number().int().min(1).max(5).default(1),
    /** This daemon's name in heartbeats; defaults to `<hostname>-<pid>`. */
    daemon_name: z
      .string()
      .regex(/^[A-Za-z0-9_-]{1,64}$/, "letters, digits, '_' and '-' only")
      // Names key heartbeats; one that reads like an Object.prototype member is refused rather than trusted.
      .refine((name) => !isPrototypeKey(name), { error: "daemon_name: reserved name" })
      .optional(),
  })
  .refine((cluster) => [cluster.token, cluster.nkey_file, cluster.creds_file].filter((v) => v !== undefined).length <= 1, {
    error: "cluster: give at most one of token, nkey_file, creds_file",
  });
export type ClawhipClusterInput = z.input<typeof ClawhipClusterSchema>;
export type ClawhipCluster = z.output<typeof ClawhipClusterSchema>;
