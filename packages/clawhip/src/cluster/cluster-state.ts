import {
  type ClawhipDaemonBeat,
  ClawhipDaemonBeatSchema,
  type ClawhipDeliveryJob,
  type ClawhipTargetState,
  ClawhipTargetStateSchema,
} from "@clawbridge/contracts";
import { JetStreamApiCodes, JetStreamApiError } from "@nats-io/jetstream";
import type { KV, KvEntry } from "@nats-io/kv";
import type { z } from "zod";
import { describeTarget } from "../deliver/redact-target.js";
import { ATTEMPTS_KEY_PREFIX, DAEMON_KEY_PREFIX, TARGET_KEY_PREFIX, targetToken } from "./subjects.js";
import {
  afterFailure,
  afterRateLimited,
  afterSuccess,
  type GatePolicy,
  initialTargetState,
  leaseSize,
  leaseTokens,
} from "./target-gate.js";

type Target = ClawhipDeliveryJob["target"];

/** What one daemon remembers of a target between round trips to the bucket. */
interface LocalTarget {
  /** Tokens leased from the shared rate and not yet spent. */
  tokens: number;
  /** Leased tokens are the rate of a moment: past this they are dropped rather than spent in a burst. */
  tokensUntil: number;
  /** Known from the last answer: no attempt before this. */
  waitUntil: number;
  /** The last state seen, so a success writes only when there is a failure count to clear. */
  seen: ClawhipTargetState;
  /** A lease in flight, shared by the deliveries of this daemon that want one meanwhile. */
  leasing?: Promise<void>;
}

/** A compare-and-set that lost to another daemon's write; the update is retried on the fresh value. */
function isConflict(error: unknown): boolean {
  return (
    error instanceof JetStreamApiError &&
    (error.code === JetStreamApiCodes.StreamWrongLastSequence || error.code === JetStreamApiCodes.StreamWrongLastSequenceUnknown)
  );
}

const MAX_CAS_ROUNDS = 100;

/** A live entry's value by its schema; undefined for a deleted key or a value that is not one (never thrown). */
function entryValue<T>(entry: KvEntry | null, schema: z.ZodType<T>): T | undefined {
  if (entry === null || entry.operation !== "PUT") return undefined;
  let json: unknown;
  try {
    json = entry.json();
  } catch {
    return undefined;
  }
  const parsed = schema.safeParse(json);
  return parsed.success ? parsed.data : undefined;
}

/**
 * The state the daemons of a cluster share in one JetStream KV bucket: per target, the rate limit
 * (GCRA, leased a few tokens at a time) and the circuit breaker; per job, its failed attempts (a
 * redelivery may land on another daemon); per daemon, a heartbeat. Every update is a compare-and-set
 * on the key's revision, so two daemons never both spend the same token or lose each other's failure.
 */
export class ClusterState {
  readonly #kv: KV;
  readonly #policy: GatePolicy;
  readonly #now: () => number;
  readonly #local = new Map<string, LocalTarget>();

  constructor(kv: KV, policy: GatePolicy, now: () => number) {
    this.#kv = kv;
    this.#policy = policy;
    this.#now = now;
  }

  /** Takes one send token for `target`: 0 when a send may go now, else how long to wait first. */
  async acquire(target: Target): Promise<number> {
    const token = targetToken(target);
    for (;;) {
      const local = this.#localFor(token, target);
      const now = this.#now();
      if (local.waitUntil > now) return local.waitUntil - now;
      if (local.tokens > 0 && local.tokensUntil >= now) {
        local.tokens -= 1;
        return 0;
      }
      if (local.leasing) {
        await local.leasing;
        continue;
      }
      local.tokens = 0;
      local.leasing = this.#lease(token, target, local).finally(() => {
        local.leasing = undefined;
      });
      await local.leasing;
    }
  }

  async #lease(token: string, target: Target, local: LocalTarget): Promise<void> {
    const want = leaseSize(this.#policy);
    await this.#mutate(token, target, (state) => {
      const now = this.#now();
      const lease = leaseTokens(state, now, want, this.#policy);
      if (lease.waitMs > 0) {
        local.waitUntil = now + lease.waitMs;
        return undefined;
      }
      local.tokens = lease.granted;
      local.tokensUntil = now + (lease.granted * 1000) / this.#policy.ratePerSec;
      local.waitUntil = 0;
      return lease.next;
    });
  }

  async succeeded(target: Target): Promise<void> {
    const token = targetToken(target);
    const local = this.#localFor(token, target);
    if (afterSuccess(local.seen) === undefined) return;
    await this.#mutate(token, target, (state) => afterSuccess(state));
  }

  async failed(target: Target): Promise<void> {
    const token = targetToken(target);
    const local = this.#localFor(token, target);
    await this.#mutate(token, target, (state) => afterFailure(state, this.#now(), this.#policy));
    local.tokens = 0;
    local.waitUntil = local.seen.blocked_until;
  }

  async rateLimited(target: Target, waitMs: number): Promise<void> {
    const token = targetToken(target);
    const local = this.#localFor(token, target);
    await this.#mutate(token, target, (state) => afterRateLimited(state, this.#now(), waitMs));
    local.tokens = 0;
    local.waitUntil = local.seen.blocked_until;
  }

  /** Counts one failed attempt of the job with this message id; resolves with the count so far. */
  async countAttempt(messageId: string): Promise<number> {
    const key = `${ATTEMPTS_KEY_PREFIX}${messageId}`;
    for (let round = 0; round < MAX_CAS_ROUNDS; round += 1) {
      const entry = await this.#kv.get(key);
      const live = entry !== null && entry.operation === "PUT";
      const count = (live ? Number(entry.string()) || 0 : 0) + 1;
      try {
        if (entry === null) await this.#kv.create(key, String(count));
        else await this.#kv.update(key, String(count), entry.revision);
        return count;
      } catch (error) {
        if (!isConflict(error)) throw error;
      }
    }
    throw new Error(`attempt count of ${messageId} kept changing under ${MAX_CAS_ROUNDS} updates`);
  }

  /** Drops a settled job's attempt count (only a job that was redelivered can have one). */
  async forgetAttempts(messageId: string): Promise<void> {
    await this.#kv.purge(`${ATTEMPTS_KEY_PREFIX}${messageId}`);
  }

  async beat(beat: ClawhipDaemonBeat): Promise<void> {
    await this.#kv.put(`${DAEMON_KEY_PREFIX}${beat.name}`, JSON.stringify(ClawhipDaemonBeatSchema.parse(beat)));
  }

  #localFor(token: string, target: Target): LocalTarget {
    let local = this.#local.get(token);
    if (!local) {
      local = { tokens: 0, tokensUntil: 0, waitUntil: 0, seen: initialTargetState(describeTarget(target)) };
      this.#local.set(token, local);
    }
    return local;
  }

  /** Reads the target's state, applies `change` and writes the result if the key has not moved meanwhile. */
  async #mutate(token: string, target: Target, change: (state: ClawhipTargetState) => ClawhipTargetState | undefined): Promise<void> {
    const key = `${TARGET_KEY_PREFIX}${token}`;
    const local = this.#localFor(token, target);
    for (let round = 0; round < MAX_CAS_ROUNDS; round += 1) {
      const entry = await this.#kv.get(key);
      const state = entryValue(entry, ClawhipTargetStateSchema) ?? initialTargetState(describeTarget(target));
      local.seen = state;
      const next = change(state);
      if (next === undefined) return;
      try {
        const data = JSON.stringify(next);
        if (entry === null) await this.#kv.create(key, data);
        else await this.#kv.update(key, data, entry.revision);
        local.seen = next;
        return;
      } catch (error) {
        if (!isConflict(error)) throw error;
      }
    }
    throw new Error(`state of ${describeTarget(target)} kept changing under ${MAX_CAS_ROUNDS} updates`);
  }
}

/** Reads every heartbeat in the bucket (for `cluster status`). */
export async function readBeats(kv: KV): Promise<ClawhipDaemonBeat[]> {
  const beats: ClawhipDaemonBeat[] = [];
  for await (const key of await kv.keys(`${DAEMON_KEY_PREFIX}>`)) {
    const beat = entryValue(await kv.get(key), ClawhipDaemonBeatSchema);
    if (beat) beats.push(beat);
  }
  return beats;
}

/** Reads every target's shared state, by target token (for `cluster status`). */
export async function readTargetStates(kv: KV): Promise<Map<string, ClawhipTargetState>> {
  const states = new Map<string, ClawhipTargetState>();
  for await (const key of await kv.keys(`${TARGET_KEY_PREFIX}>`)) {
    const state = entryValue(await kv.get(key), ClawhipTargetStateSchema);
    if (state) states.set(key.slice(TARGET_KEY_PREFIX.length), state);
  }
  return states;
}
