import { createHmac } from "node:crypto";
import {
  type ClawhipGithubCiPayload,
  type ClawhipGithubIssuePayload,
  type ClawhipGithubPrStatusPayload,
  type ClawhipGithubReleasePayload,
  type ClawhipGithubWebhook,
  ClawhipGithubWebhookSchema,
} from "@clawbridge/contracts";
import { secretEquals } from "@clawbridge/plugin-host";
import type { IncomingEvent } from "../normalize/incoming.js";
import { IngressError } from "../normalize/ingress-error.js";
import { isRecord } from "../normalize/json.js";

/** A delivery clawhip has no event for: answered 202 so GitHub does not retry it, and not routed. */
export class IgnoredDelivery extends Error {
  override name = "IgnoredDelivery";
}

/**
 * Whether `signature` (`X-Hub-Signature-256`, `sha256=<hex>`) is GitHub's HMAC-SHA256 of the exact body
 * bytes under `secret`. Compared in constant time; a missing or malformed header is simply not valid.
 */
export function githubSignatureValid(secret: string, body: Buffer, signature: string | undefined): boolean {
  if (signature === undefined || !signature.startsWith("sha256=")) return false;
  const expected = `sha256=${createHmac("sha256", secret).update(body).digest("hex")}`;
  return secretEquals(signature.trim().toLowerCase(), expected);
}

const repoOf = (hook: ClawhipGithubWebhook) => hook.repository?.full_name ?? "unknown/unknown";

function ciKind(status: string, conclusion: string | null | undefined): string {
  if (status !== "completed") return "github.ci-started";
  if (conclusion === "success" || conclusion === "neutral" || conclusion === "skipped") return "github.ci-passed";
  if (conclusion === "cancelled") return "github.ci-cancelled";
  return "github.ci-failed";
}

/**
 * A verified GitHub webhook delivery → a clawhip event: issues opened/closed, issue comments, pull
 * requests opened/closed/merged, releases published/prereleased/edited, workflow runs. Anything else is
 * an `IgnoredDelivery` (GitHub sends many event types; a 4xx would make it retry them).
 */
export function decodeGithubWebhook(input: unknown): IncomingEvent {
  const envelope = isRecord(input) ? input : {};
  const name = typeof envelope.event === "string" ? envelope.event : "";
  const parsed = ClawhipGithubWebhookSchema.safeParse(envelope.body);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new IngressError(400, `invalid GitHub ${name || "webhook"} delivery: ${issue?.path.join(".") || "body"}: ${issue?.message}`);
  }
  const hook = parsed.data;
  const action = hook.action ?? "";
  const repo = repoOf(hook);
  if (name === "issues" && hook.issue && (action === "opened" || action === "closed")) {
    const payload: ClawhipGithubIssuePayload = { repo, number: hook.issue.number, title: hook.issue.title };
    if (hook.issue.html_url) payload.url = hook.issue.html_url;
    return { kind: action === "opened" ? "github.issue-opened" : "github.issue-closed", payload };
  }
  if (name === "issue_comment" && hook.issue && action === "created") {
    const payload: ClawhipGithubIssuePayload = {
      repo,
      number: hook.issue.number,
      title: hook.issue.title,
      comments: hook.issue.comments ?? 0,
    };
    return { kind: "github.issue-commented", payload };
  }
  if (name === "pull_request" && hook.pull_request && (action === "opened" || action === "closed")) {
    const pr = hook.pull_request;
    const payload: ClawhipGithubPrStatusPayload = {
      repo,
      number: pr.number,
      title: pr.title,
      old_status: action === "opened" ? "unknown" : "open",
      new_status: action === "opened" ? "opened" : pr.merged ? "merged" : "closed",
      url: pr.html_url ?? "",
    };
    return { kind: "github.pr-status-changed", payload };
  }
  if (name === "release" && hook.release && ["published", "released", "prereleased", "edited"].includes(action)) {
    const release = hook.release;
    const payload: ClawhipGithubReleasePayload = {
      repo,
      tag: release.tag_name,
      name: release.name ?? "",
      action,
      is_prerelease: release.prerelease ?? false,
      url: release.html_url ?? "",
    };
    if (hook.sender?.login) payload.actor = hook.sender.login;
    const kind =
      action === "prereleased" ? "github.release-prereleased" : action === "edited" ? "github.release-edited" : "github.release-published";
    return { kind, payload };
  }
  if (name === "workflow_run" && hook.workflow_run) {
    const run = hook.workflow_run;
    const payload: ClawhipGithubCiPayload = { repo, workflow: run.name, status: run.status, sha: run.head_sha, url: run.html_url };
    if (run.conclusion) payload.conclusion = run.conclusion;
    if (run.head_branch) payload.branch = run.head_branch;
    const pr = run.pull_requests?.[0];
    if (pr) payload.number = pr.number;
    return { kind: ciKind(run.status, run.conclusion), payload };
  }
  throw new IgnoredDelivery(
    name === "" ? "no X-GitHub-Event header" : `unsupported ${name} delivery${action ? ` (action ${action})` : ""}`,
  );
}
