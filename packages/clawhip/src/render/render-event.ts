import type { ClawhipEvent, ClawhipFormat } from "@clawbridge/contracts";
import { asBoolish, asU64, isRecord, type JsonRecord, sortedJson, sortedKeys } from "../normalize/json.js";
import { lifecycleSuffix, rendersPayloadStatus } from "../normalize/kinds.js";

import { RenderError, renderSourceEvent } from "./source-families.js";

export { RenderError };

function text(payload: JsonRecord, key: string): string | undefined {
  const value = payload[key];
  return typeof value === "string" && value.trim() !== "" ? value : undefined;
}

function prettyJson(payload: JsonRecord): string {
  return JSON.stringify(sortedKeys(payload), null, 2);
}

function compactJson(payload: JsonRecord): string {
  return sortedJson(payload) as string;
}

function mentionPrefix(payload: JsonRecord): string {
  const mention = text(payload, "mention");
  return mention ? `${mention} ` : "";
}

/** `session:window:pane`, from whichever of the three the event carries. */
function tmuxIdentity(payload: JsonRecord): string | undefined {
  const parts = [text(payload, "tmux_session"), text(payload, "tmux_window"), text(payload, "tmux_pane")].filter((p) => p !== undefined);
  return parts.length > 0 ? parts.join(":") : undefined;
}

function renderSession(kind: string, payload: JsonRecord, format: ClawhipFormat): string {
  const subject = text(payload, "session_name") ?? text(payload, "session_id");
  const label = `${text(payload, "tool") ?? "session"}${subject ? ` ${subject}` : ""}`;
  const suffix = kind.slice("session.".length);
  const status = rendersPayloadStatus(kind) ? (text(payload, "status") ?? suffix.replaceAll("-", " ")) : suffix;
  const repo = text(payload, "repo_name") ?? text(payload, "project");
  const issue = asU64(payload.issue_number);
  const pr = asU64(payload.pr_number);
  const branch = text(payload, "branch");
  const runner = text(payload, "test_runner");
  const elapsed = asU64(payload.elapsed_secs);
  const summary = text(payload, "summary");
  const error = text(payload, "error_message");
  const prefix = mentionPrefix(payload);
  const tmux = tmuxIdentity(payload);
  const paneTty = text(payload, "tmux_pane_tty");
  const clients = asU64(payload.tmux_client_count);
  const attachedFlag = asBoolish(payload.tmux_attached);
  const attached = attachedFlag === undefined ? undefined : attachedFlag ? "attached" : "detached";
  if (format === "inline") {
    const parts: string[] = [];
    if (repo) parts.push(repo);
    if (issue !== undefined) parts.push(`issue #${issue}`);
    if (pr !== undefined) parts.push(`PR #${pr}`);
    if (branch) parts.push(branch);
    if (runner) parts.push(runner);
    if (elapsed !== undefined) parts.push(`${elapsed}s`);
    if (summary) parts.push(summary);
    if (error) parts.push(`error: ${error}`);
    if (tmux) parts.push(`tmux ${tmux}`);
    if (paneTty) parts.push(paneTty);
    if (clients !== undefined) parts.push(`${clients} clients`);
    if (attached) parts.push(attached);
    return `${prefix}[${label}] ${status}${parts.length > 0 ? ` · ${parts.join(" · ")}` : ""}`;
  }
  const parts: string[] = [];
  if (repo) parts.push(`repo=${repo}`);
  if (issue !== undefined) parts.push(`issue=#${issue}`);
  if (pr !== undefined) parts.push(`pr=#${pr}`);
  if (branch) parts.push(`branch=${branch}`);
  if (runner) parts.push(`runner=${runner}`);
  if (elapsed !== undefined) parts.push(`elapsed=${elapsed}s`);
  if (summary) parts.push(`summary=${summary}`);
  if (error) parts.push(`error=${error}`);
  if (tmux) parts.push(`tmux=${tmux}`);
  if (paneTty) parts.push(`pane_tty=${paneTty}`);
  if (clients !== undefined) parts.push(`clients=${clients}`);
  if (attached) parts.push(attached);
  const line = `${prefix}${label} ${status}${parts.length > 0 ? ` (${parts.join(", ")})` : ""}`;
  return format === "alert" ? `🚨 ${line}` : line;
}

function renderAgent(payload: JsonRecord, format: ClawhipFormat): string {
  const agent = text(payload, "agent_name");
  if (!agent) throw new RenderError("missing string field 'agent_name'");
  const status = text(payload, "status") ?? "";
  const project = text(payload, "project");
  const session = text(payload, "session_id");
  const elapsed = asU64(payload.elapsed_secs);
  const summary = text(payload, "summary");
  const error = text(payload, "error_message");
  const prefix = mentionPrefix(payload);
  if (format === "inline") {
    let line = `${prefix}[agent:${agent}] ${status}`;
    if (project) line += ` · project=${project}`;
    if (session) line += ` · session=${session}`;
    if (elapsed !== undefined) line += ` · elapsed=${elapsed}s`;
    if (summary) line += ` · ${summary}`;
    if (error) line += ` · error: ${error}`;
    return line;
  }
  let details = status;
  if (project) details += `, project=${project}`;
  if (session) details += `, session=${session}`;
  if (elapsed !== undefined) details += `, elapsed=${elapsed}s`;
  if (summary) details += `, summary=${summary}`;
  if (error) details += `, error=${error}`;
  const line = `${prefix}agent ${agent} (${details})`;
  return format === "alert" ? `🚨 ${line}` : line;
}

/**
 * The default renderer, character for character: session.* and agent.* templates, `custom`
 * (`message`), the git/GitHub/tmux/workspace families, and compact JSON for every other kind. `raw` is always the sorted, 2-space pretty JSON.
 */
export function renderEvent(event: Pick<ClawhipEvent, "kind" | "payload">, format: ClawhipFormat): string {
  const payload = isRecord(event.payload) ? event.payload : {};
  if (format === "raw") return prettyJson(payload);
  if (event.kind.startsWith("session.")) return renderSession(event.kind, payload, format);
  if (event.kind.startsWith("agent.") && lifecycleSuffix(event.kind)) return renderAgent(payload, format);
  if (event.kind === "custom") {
    const message = text(payload, "message");
    if (!message) throw new RenderError("missing string field 'message'");
    return format === "alert" ? `🚨 ${message}` : message;
  }
  return renderSourceEvent(event.kind, payload, format) ?? compactJson(payload);
}
