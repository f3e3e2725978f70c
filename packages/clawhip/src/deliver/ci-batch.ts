import { createHash } from "node:crypto";
import type { ClawhipCiBatchItem, ClawhipDeliveryJob } from "@clawbridge/contracts";
import { RenderError, renderEvent } from "../render/render-event.js";
import { withMention } from "../route/dynamic-template.js";
import { fillTemplate, templateContext } from "../route/template-context.js";
import type { Delivery } from "./routine-batch.js";

/**
 * The run a CI event belongs to (upstream dispatch.rs `ci_batch_key`): repo, PR number (`none`), sha, and
 * the workflow run id from the URL (`…/actions/runs/<id>/…`), or the whole URL when it has none.
 */
export function ciBatchKey(item: Pick<ClawhipCiBatchItem, "repo" | "number" | "sha" | "url">): string {
  const runs = item.url.split("/actions/runs/")[1];
  const runId = runs?.split("/")[0] || item.url;
  return `${item.repo}:${item.number ?? "none"}:${item.sha}:${runId}`;
}

const FAILED = new Set(["failure", "timed_out", "startup_failure", "action_required"]);

/** One job of the aggregate, as upstream's `BatchedCiJob` serializes. */
export interface AggregatedCiJob {
  workflow: string;
  status: string;
  conclusion: string | null;
  url: string;
}

/** What a run's events add up to: the kind and payload of the one event sent for them. */
export interface AggregatedCi {
  kind: "github.ci-started" | "github.ci-passed" | "github.ci-failed" | "github.ci-cancelled";
  payload: {
    repo: string;
    number: number | null;
    branch: string | null;
    sha: string;
    url: string;
    batched: true;
    total_count: number;
    passed_count: number;
    skipped_count: number;
    failed_count: number;
    cancelled_count: number;
    jobs: AggregatedCiJob[];
  };
}

interface RunState {
  last: ClawhipCiBatchItem;
  number: number | undefined;
  branch: string | undefined;
  jobs: Map<string, AggregatedCiJob>;
  expectedJobs: number;
  runAllTerminal: boolean;
  sawInProgress: boolean;
}

/** Folds a run's events in arrival order: a later event of a workflow replaces the earlier one. */
function fold(items: readonly ClawhipCiBatchItem[]): RunState {
  const first = items[0];
  if (!first) throw new Error("an empty CI batch cannot be aggregated");
  const state: RunState = {
    last: first,
    number: undefined,
    branch: undefined,
    jobs: new Map(),
    expectedJobs: 1,
    runAllTerminal: false,
    sawInProgress: false,
  };
  for (const item of items) {
    state.last = item;
    state.number = item.number ?? state.number;
    state.branch = item.branch ?? state.branch;
    state.expectedJobs = Math.max(state.expectedJobs, item.run_job_count ?? 1);
    state.runAllTerminal = item.run_all_terminal ?? state.runAllTerminal;
    if (item.status !== "completed") state.sawInProgress = true;
    state.jobs.set(item.workflow, { workflow: item.workflow, status: item.status, conclusion: item.conclusion ?? null, url: item.url });
  }
  return state;
}

/**
 * Whether a run is complete before its window closes (upstream: an in-progress event was seen, the
 * latest event says every job of the run finished, and every expected job has finished).
 */
export function ciRunComplete(items: readonly ClawhipCiBatchItem[]): boolean {
  const state = fold(items);
  return (
    state.sawInProgress &&
    state.runAllTerminal &&
    state.jobs.size >= state.expectedJobs &&
    [...state.jobs.values()].every((job) => job.status === "completed")
  );
}

/**
 * The one event for a run's events (upstream `flush_batch`): jobs sorted by workflow, counted by
 * conclusion; failed if any job failed, cancelled if every finished job was cancelled, passed once all
 * finished, running otherwise.
 */
export function aggregateCi(items: readonly ClawhipCiBatchItem[]): AggregatedCi {
  const state = fold(items);
  const jobs = [...state.jobs.values()].sort((a, b) => (a.workflow < b.workflow ? -1 : a.workflow > b.workflow ? 1 : 0));
  const passed = jobs.filter((j) => j.conclusion === "success" || j.conclusion === "neutral").length;
  const skipped = jobs.filter((j) => j.conclusion === "skipped").length;
  const failed = jobs.filter((j) => j.conclusion !== null && FAILED.has(j.conclusion)).length;
  const cancelled = jobs.filter((j) => j.conclusion === "cancelled").length;
  const allTerminal = jobs.every((j) => j.status === "completed");
  const kind =
    failed > 0
      ? "github.ci-failed"
      : allTerminal
        ? cancelled > 0 && passed === 0 && skipped === 0
          ? "github.ci-cancelled"
          : "github.ci-passed"
        : "github.ci-started";
  return {
    kind,
    payload: {
      repo: state.last.repo,
      number: state.number ?? null,
      branch: state.branch ?? null,
      sha: state.last.sha,
      url: state.last.url,
      batched: true,
      total_count: Math.max(state.expectedJobs, jobs.length),
      passed_count: passed,
      skipped_count: skipped,
      failed_count: failed,
      cancelled_count: cancelled,
      jobs,
    },
  };
}

const str = (value: unknown) => (typeof value === "string" ? value : undefined);
const int = (value: unknown, min: number) => (typeof value === "number" && Number.isInteger(value) && value >= min ? value : undefined);

/**
 * What a CI event's delivery keeps for the aggregate, or undefined when the payload lacks a field the
 * aggregate needs (such an event is sent as it comes).
 */
export function ciBatchItem(
  payload: Record<string, unknown>,
  route: { template: string | undefined; mention: string | undefined },
): ClawhipCiBatchItem | undefined {
  const repo = str(payload.repo);
  const sha = str(payload.sha);
  const url = str(payload.url);
  const workflow = str(payload.workflow);
  const status = str(payload.status);
  if (repo === undefined || sha === undefined || url === undefined || workflow === undefined || status === undefined) return undefined;
  const item: ClawhipCiBatchItem = { repo, sha, url, workflow, status };
  const number = int(payload.number, 0);
  if (number !== undefined) item.number = number;
  const branch = str(payload.branch);
  if (branch !== undefined) item.branch = branch;
  const conclusion = str(payload.conclusion);
  if (conclusion !== undefined) item.conclusion = conclusion;
  const jobs = int(payload.run_job_count, 1);
  if (jobs !== undefined) item.run_job_count = jobs;
  if (typeof payload.run_all_terminal === "boolean") item.run_all_terminal = payload.run_all_terminal;
  if (route.template !== undefined) item.template = route.template;
  if (route.mention !== undefined) item.mention = route.mention;
  return item;
}

const itemsOf = (members: readonly ClawhipDeliveryJob[]) => members.flatMap((m) => (m.batch?.ci ? [m.batch.ci] : []));

/** Whether the spooled jobs of one run (for one route target) make a complete run. */
export function ciJobsComplete(members: readonly ClawhipDeliveryJob[]): boolean {
  const items = itemsOf(members);
  return items.length === members.length && ciRunComplete(items);
}

/**
 * The one message for a run's jobs to one route target: the aggregate rendered in the route's format
 * (or template) with its mention, as upstream renders its flushed CI event. Its id derives from the
 * members, so a resend of the same group after a crash carries the same idempotency key.
 */
export function combineCiBatch(members: readonly ClawhipDeliveryJob[]): Delivery {
  const first = members[0];
  if (!first) throw new Error("an empty CI batch cannot be sent");
  const items = itemsOf(members);
  const digest = createHash("sha256")
    .update(members.map((m) => m.key).join("\n"))
    .digest("hex");
  const id = `ci-batch-${digest.slice(0, 32)}`;
  const aggregate = aggregateCi(items);
  const event = { kind: aggregate.kind, payload: aggregate.payload as unknown as Record<string, unknown> };
  const { template, mention } = items[0] ?? {};
  let body: string;
  try {
    body = template !== undefined ? fillTemplate(template, templateContext(event)) : renderEvent(event, first.format);
  } catch (error) {
    // The aggregate is built here and always renders; should it not, the members' own texts still go out.
    if (!(error instanceof RenderError)) throw error;
    body = members.map((m) => m.batch?.body ?? m.content).join("\n");
  }
  return {
    job: {
      key: `${id}|${first.target.kind}|${first.target.value}`,
      event_id: id,
      event_kind: aggregate.kind,
      sink: first.sink,
      target: first.target,
      format: first.format,
      content: withMention(mention, body),
      accepted_at: first.accepted_at,
    },
    members,
  };
}
