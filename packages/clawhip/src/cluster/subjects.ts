import { createHash } from "node:crypto";
import type { ClawhipCluster, ClawhipDeliveryJob } from "@clawbridge/contracts";
import { deliveryIdempotencyKey } from "../deliver/send-job.js";

type Target = ClawhipDeliveryJob["target"];

/**
 * A target's token in subjects and KV keys: a digest, because a webhook URL holds its secret and
 * characters (`.`, `*`, `>`) that subjects reserve. 64 bits keep distinct targets apart.
 */
export function targetToken(target: Target): string {
  return createHash("sha256").update(`${target.kind}\n${target.value}`).digest("hex").slice(0, 16);
}

/** Where a job waits: one subject per target, so `cluster status` can count pending per target. */
export function jobSubject(cluster: Pick<ClawhipCluster, "subject_prefix">, target: Target): string {
  return `${cluster.subject_prefix}.jobs.${targetToken(target)}`;
}

export function jobSubjects(cluster: Pick<ClawhipCluster, "subject_prefix">): string {
  return `${cluster.subject_prefix}.jobs.>`;
}

export function deadSubject(cluster: Pick<ClawhipCluster, "subject_prefix">, target: Target): string {
  return `${cluster.subject_prefix}.dead.${targetToken(target)}`;
}

export function deadSubjects(cluster: Pick<ClawhipCluster, "subject_prefix">): string {
  return `${cluster.subject_prefix}.dead.>`;
}

/**
 * The `Nats-Msg-Id` of a job: the digest of its key (event id, route, target), so the same event
 * posted to any daemon inside the stream's duplicate window makes one job per target, and the id
 * does not reveal the webhook URL.
 */
export function jobMessageId(job: Pick<ClawhipDeliveryJob, "key">): string {
  return deliveryIdempotencyKey(job);
}

/** The target token a job subject ends with, or undefined for another subject. */
export function targetTokenOfSubject(cluster: Pick<ClawhipCluster, "subject_prefix">, subject: string): string | undefined {
  const prefix = `${cluster.subject_prefix}.jobs.`;
  return subject.startsWith(prefix) ? subject.slice(prefix.length) : undefined;
}

export const TARGET_KEY_PREFIX = "target.";
export const ATTEMPTS_KEY_PREFIX = "attempts.";
export const DAEMON_KEY_PREFIX = "daemon.";
