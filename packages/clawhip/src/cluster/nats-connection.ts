import { readFile } from "node:fs/promises";
import type { ClawhipCluster } from "@clawbridge/contracts";
import {
  AckPolicy,
  DeliverPolicy,
  JetStreamApiCodes,
  JetStreamApiError,
  type JetStreamManager,
  RetentionPolicy,
  StorageType,
} from "@nats-io/jetstream";
import { type KV, Kvm } from "@nats-io/kv";
import {
  type Authenticator,
  connect,
  credsAuthenticator,
  type NatsConnection,
  nanos,
  nkeyAuthenticator,
  tokenAuthenticator,
} from "@nats-io/transport-node";
import { deadSubjects, jobSubjects } from "./subjects.js";

/** Where the cluster's credentials come from: the config, else `CLAWHIP_NATS_TOKEN`. */
export interface ClusterCredentialsEnv {
  CLAWHIP_NATS_TOKEN?: string | undefined;
}

/** Credentials as the client wants them. The values are secrets: nothing here is logged or printed. */
async function authenticator(cluster: ClawhipCluster, env: ClusterCredentialsEnv): Promise<Authenticator | undefined> {
  if (cluster.creds_file !== undefined) return credsAuthenticator(await readFile(cluster.creds_file));
  if (cluster.nkey_file !== undefined) {
    const seed = (await readFile(cluster.nkey_file, "utf8")).trim();
    return nkeyAuthenticator(new TextEncoder().encode(seed));
  }
  const token = cluster.token ?? (env.CLAWHIP_NATS_TOKEN || undefined);
  return token === undefined ? undefined : tokenAuthenticator(token);
}

/** The servers as logs may show them: a `user:password@` in a URL is hidden. */
export function describeServers(servers: readonly string[]): string {
  return servers.map((server) => server.replace(/^([a-z]+:\/\/)[^@/]*@/i, "$1…@")).join(", ");
}

export interface ClusterConnectOptions {
  name: string;
  env?: ClusterCredentialsEnv;
  /** Keep reconnecting forever (daemons) or give up after the first failure (one-shot CLI commands). */
  reconnect: boolean;
}

/**
 * Connects to the cluster's servers. A daemon reconnects forever (a NATS restart must not end it); a
 * failure names the servers but never the credentials.
 */
export async function connectCluster(cluster: ClawhipCluster, options: ClusterConnectOptions): Promise<NatsConnection> {
  let auth: Authenticator | undefined;
  try {
    auth = await authenticator(cluster, options.env ?? {});
  } catch (error) {
    throw new Error(`cannot read the NATS credentials file: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
  }
  try {
    return await connect({
      servers: cluster.servers,
      name: options.name,
      ...(auth ? { authenticator: auth } : {}),
      maxReconnectAttempts: options.reconnect ? -1 : 0,
      reconnectTimeWait: 250,
      // Publishes made while disconnected wait in the client's buffer; their acks time out into 503s.
      timeout: 5_000,
    });
  } catch (error) {
    throw new Error(`cannot connect to NATS at ${describeServers(cluster.servers)}: ${(error as Error).message}`);
  }
}

function isNotFound(error: unknown): boolean {
  return (
    error instanceof JetStreamApiError &&
    (error.code === JetStreamApiCodes.StreamNotFound || error.code === JetStreamApiCodes.ConsumerNotFound)
  );
}

/** Creates a stream unless it exists. Daemons starting together may race: the loser reads the winner's. */
async function ensureStream(jsm: JetStreamManager, config: Parameters<JetStreamManager["streams"]["add"]>[0]): Promise<void> {
  try {
    await jsm.streams.info(config.name as string);
    return;
  } catch (error) {
    if (!isNotFound(error)) throw error;
  }
  try {
    await jsm.streams.add(config);
  } catch (error) {
    await jsm.streams.info(config.name as string).catch(() => Promise.reject(error));
  }
}

/**
 * The cluster's JetStream objects, created on first use with the same configuration by every daemon:
 * the work-queue job stream (a job leaves it when acknowledged or terminated), the dead-letter stream,
 * the shared durable pull consumer and the KV bucket.
 */
export async function ensureTopology(nc: NatsConnection, jsm: JetStreamManager, cluster: ClawhipCluster): Promise<KV> {
  await ensureStream(jsm, {
    name: cluster.stream,
    subjects: [jobSubjects(cluster)],
    retention: RetentionPolicy.Workqueue,
    storage: StorageType.File,
    num_replicas: cluster.replicas,
    duplicate_window: nanos(cluster.dedupe_window_ms),
  });
  await ensureStream(jsm, {
    name: cluster.dead_letter_stream,
    subjects: [deadSubjects(cluster)],
    retention: RetentionPolicy.Limits,
    storage: StorageType.File,
    num_replicas: cluster.replicas,
    duplicate_window: nanos(cluster.dedupe_window_ms),
  });
  const consumer = {
    durable_name: cluster.consumer,
    ack_policy: AckPolicy.Explicit,
    deliver_policy: DeliverPolicy.All,
    ack_wait: nanos(cluster.ack_wait_ms),
    // The retry budget is clawhip's (failed attempts counted in KV): deferrals for a rate limit or an
    // open breaker are redeliveries too, and must not spend it.
    max_deliver: -1,
    max_ack_pending: -1,
  };
  try {
    await jsm.consumers.info(cluster.stream, cluster.consumer);
  } catch (error) {
    if (!isNotFound(error)) throw error;
    try {
      await jsm.consumers.add(cluster.stream, consumer);
    } catch (addError) {
      await jsm.consumers.info(cluster.stream, cluster.consumer).catch(() => Promise.reject(addError));
    }
  }
  return new Kvm(nc).create(cluster.kv_bucket, { history: 1, replicas: cluster.replicas });
}

/** Opens the existing KV bucket (for `cluster status`, which creates nothing). */
export function openStateBucket(nc: NatsConnection, cluster: ClawhipCluster): Promise<KV> {
  return new Kvm(nc).open(cluster.kv_bucket);
}

/**
 * Follows a connection's state: whether it is up now (for `/health`) and how many times it was lost
 * (a deliverer does not send a job it held across a loss).
 */
export class ConnectionWatch {
  connected = true;
  disconnects = 0;

  constructor(nc: NatsConnection, log: (level: "info" | "warn", message: string) => void) {
    void (async () => {
      for await (const status of nc.status()) {
        if (status.type === "disconnect") {
          this.connected = false;
          this.disconnects += 1;
          log("warn", "lost the NATS connection; ingress answers 503 until it is back");
        } else if (status.type === "reconnect") {
          this.connected = true;
          log("info", "NATS connection re-established");
        }
      }
    })();
  }
}
