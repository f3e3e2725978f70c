import type { ClawhipDeliveryJob } from "@clawbridge/contracts";

/** The delivery lane of a job: one per target, delivered in order. The spool keeps its backlog per lane too. */
export function laneName(job: ClawhipDeliveryJob): string {
  return `${job.target.kind}:${job.target.value}`;
}
