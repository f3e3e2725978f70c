import { createHash } from "node:crypto";
import type { ClawhipDeliveryJob } from "@clawbridge/contracts";

/** What a batched message is sent as (upstream's `SinkMessage.event_kind` for a batch). */
export const ROUTINE_BATCH_KIND = "dispatch.routine-batched";

/**
 * Whether an event kind goes out at once even when routine batching is on: failures, blocks, stale
 * panes and CI (upstream dispatch.rs `should_bypass_routine_batch`).
 */
export function bypassesRoutineBatch(kind: string): boolean {
  return kind.endsWith(".failed") || kind.endsWith(".blocked") || kind === "tmux.stale" || kind.startsWith("github.ci-");
}

/** A mention or template as the batch key compares it: trimmed, `-` when absent or blank. */
function keyText(value: string | undefined): string {
  const trimmed = value?.trim();
  return trimmed ? trimmed : "-";
}

/**
 * The group a routine delivery joins: same kind, sink, target, format, mention, template and dynamic
 * token setting (upstream's `routine_batch_key`), so only messages that would look alike are merged.
 */
export function routineBatchKey(parts: {
  kind: string;
  sink: string;
  target: { kind: string; value: string };
  format: string;
  mention: string | undefined;
  template: string | undefined;
  allowDynamicTokens: boolean;
}): string {
  return [
    parts.kind,
    parts.sink,
    `${parts.target.kind}:${parts.target.value}`,
    parts.format,
    keyText(parts.mention),
    keyText(parts.template),
    String(parts.allowDynamicTokens),
  ].join("\u0000");
}

/** One send: the job that goes over the wire and the spooled jobs it settles. */
export interface Delivery {
  job: ClawhipDeliveryJob;
  members: readonly ClawhipDeliveryJob[];
}

/**
 * The send for a flushed group. One job goes out as it is (mention included); two or more become one
 * message of their bodies joined by a line break, without the mention (upstream `send_routine_batch`).
 * The batch's id and key derive from its members, so a repeat of the same group after a crash carries
 * the same idempotency key, and a different group never shares one.
 */
export function combineRoutineBatch(members: readonly ClawhipDeliveryJob[]): Delivery {
  const first = members[0];
  if (!first) throw new Error("an empty routine batch cannot be sent");
  if (members.length === 1) return { job: first, members };
  const digest = createHash("sha256")
    .update(members.map((m) => m.key).join("\n"))
    .digest("hex");
  const id = `routine-batch-${digest.slice(0, 32)}`;
  return {
    job: {
      key: `${id}|${first.target.kind}|${first.target.value}`,
      event_id: id,
      event_kind: ROUTINE_BATCH_KIND,
      sink: first.sink,
      target: first.target,
      format: first.format,
      content: members.map((m) => m.batch?.body ?? m.content).join("\n"),
      accepted_at: first.accepted_at,
    },
    members,
  };
}

interface PendingBatch {
  members: ClawhipDeliveryJob[];
  dueAt: number;
}

export interface WindowBatcherOptions {
  windowMs: number;
  /** The send a group becomes. */
  combine: (members: readonly ClawhipDeliveryJob[]) => Delivery;
  /** A group this says is complete is sent at once, before its window closes. */
  isComplete?: (members: readonly ClawhipDeliveryJob[]) => boolean;
}

/**
 * Deliveries waiting for their group's window. A group's window starts with its first job and is not
 * extended by later ones; a job arriving after the flush opens a new group. Pure state: the caller
 * supplies the time and sends what `add` and `takeDue` return.
 */
export class WindowBatcher {
  readonly #options: WindowBatcherOptions;
  /** Insertion order is due order: every group's window has the same length. */
  readonly #pending = new Map<string, PendingBatch>();

  constructor(options: WindowBatcherOptions) {
    this.#options = options;
  }

  /** Adds a job to its group; returns the group's send when the job completes it. */
  add(job: ClawhipDeliveryJob, key: string, now: number): Delivery | undefined {
    let pending = this.#pending.get(key);
    if (pending) pending.members.push(job);
    else {
      pending = { members: [job], dueAt: now + this.#options.windowMs };
      this.#pending.set(key, pending);
    }
    if (!this.#options.isComplete?.(pending.members)) return undefined;
    this.#pending.delete(key);
    return this.#options.combine(pending.members);
  }

  /** When the earliest group is due, or undefined when nothing waits. */
  nextDueAt(): number | undefined {
    for (const pending of this.#pending.values()) return pending.dueAt;
    return undefined;
  }

  /** Removes and returns the groups whose window has closed, each as the send it becomes. */
  takeDue(now: number): Delivery[] {
    const due: Delivery[] = [];
    for (const [key, pending] of this.#pending) {
      if (pending.dueAt > now) break;
      this.#pending.delete(key);
      due.push(this.#options.combine(pending.members));
    }
    return due;
  }

  get size(): number {
    return this.#pending.size;
  }
}
