import type { ClawhipCluster, ClawhipClusterStatus } from "@clawbridge/contracts";
import { jetstreamManager } from "@nats-io/jetstream";
import { readBeats, readTargetStates } from "./cluster-state.js";
import { type ClusterCredentialsEnv, connectCluster, openStateBucket } from "./nats-connection.js";
import { jobSubjects, targetTokenOfSubject } from "./subjects.js";

/** A daemon is reported alive while its last heartbeat is younger than this many heartbeat periods. */
const ALIVE_BEATS = 3;

/**
 * What `clawhip cluster status` shows, read straight from NATS (no daemon needs to be up): the job
 * stream's depth, the shared consumer's pending / in-delivery / redelivered counts, pending jobs and
 * breaker state per target (targets redacted), dead letters, and every daemon that sent a heartbeat.
 */
export async function readClusterStatus(cluster: ClawhipCluster, env: ClusterCredentialsEnv, now: number): Promise<ClawhipClusterStatus> {
  const nc = await connectCluster(cluster, { name: "clawhip cluster status", reconnect: false, env });
  try {
    const jsm = await jetstreamManager(nc);
    const stream = await jsm.streams.info(cluster.stream, { subjects_filter: jobSubjects(cluster) });
    const consumer = await jsm.consumers.info(cluster.stream, cluster.consumer);
    const dead = await jsm.streams.info(cluster.dead_letter_stream);
    const kv = await openStateBucket(nc, cluster);
    const states = await readTargetStates(kv);
    const beats = await readBeats(kv);
    const pending = new Map<string, number>();
    for (const [subject, count] of Object.entries(stream.state.subjects ?? {})) {
      const token = targetTokenOfSubject(cluster, subject);
      if (token !== undefined) pending.set(token, count);
    }
    const tokens = [...new Set([...pending.keys(), ...states.keys()])].sort();
    return {
      ok: true,
      stream: { name: cluster.stream, messages: stream.state.messages, bytes: stream.state.bytes },
      consumer: {
        name: cluster.consumer,
        pending: consumer.num_pending,
        ack_pending: consumer.num_ack_pending,
        redelivered: consumer.num_redelivered,
      },
      targets: tokens.map((token) => {
        const state = states.get(token);
        return {
          target: state?.label ?? `target ${token}`,
          pending: pending.get(token) ?? 0,
          failures: state?.failures ?? 0,
          blocked_until: state && state.blocked_until > now ? new Date(state.blocked_until).toISOString() : null,
        };
      }),
      dead_letters: dead.state.messages,
      daemons: beats
        .sort((a, b) => a.name.localeCompare(b.name))
        .map((beat) => ({
          name: beat.name,
          host: beat.host,
          pid: beat.pid,
          seen_at: beat.seen_at,
          alive: now - Date.parse(beat.seen_at) < ALIVE_BEATS * cluster.heartbeat_ms,
        })),
    };
  } finally {
    await nc.close();
  }
}

/** The status as a person reads it. */
export function clusterStatusText(status: ClawhipClusterStatus): string {
  const lines = [
    `stream ${status.stream.name}: ${status.stream.messages} job(s) waiting (${status.stream.bytes} bytes)`,
    `consumer ${status.consumer.name}: ${status.consumer.pending} pending, ${status.consumer.ack_pending} being delivered, ${status.consumer.redelivered} redelivered`,
    `dead letters: ${status.dead_letters}`,
    `targets (${status.targets.length}):`,
    ...status.targets.map(
      (t) =>
        `  ${t.target}: ${t.pending} pending, ${t.failures} consecutive failure(s)${t.blocked_until ? `, held until ${t.blocked_until}` : ""}`,
    ),
    `daemons seen (${status.daemons.length}):`,
    ...status.daemons.map((d) => `  ${d.name} (${d.host}, pid ${d.pid}): ${d.alive ? "alive" : "silent"}, last seen ${d.seen_at}`),
  ];
  return `${lines.join("\n")}\n`;
}
