import type { ClawhipEvent } from "@clawbridge/contracts";
import { issueNumberIn, pathBaseName, prNumberIn, testRunnerIn } from "./inference.js";
import { at, firstString, firstU64, isRecord, type JsonRecord, type Pointer } from "./json.js";
import { isLegacyAgentEvent, isSessionEvent, mapNativeSignal, statusForKind } from "./kinds.js";

/** Sources of ids and time, injected so normalization stays pure and testable. */
export interface NormalizeEnv {
  now: () => Date;
  uuid: () => string;
}

export const systemNormalizeEnv: NormalizeEnv = { now: () => new Date(), uuid: () => crypto.randomUUID() };

const p = (path: string): Pointer => path.split("/").filter(Boolean);
const ps = (...paths: string[]): Pointer[] => paths.map(p);

const ROUTE_KEY = ps("/signal/routeKey", "/route_key", "/context/route_key");
const NORMALIZED_EVENT = ps("/context/normalized_event", "/normalized_event");
const SIGNAL_ROUTE_KEY = p("/signal/routeKey");
const CONTEXT_NORMALIZED_EVENT = p("/context/normalized_event");
const SESSION_NAME = ps(
  "/session_name",
  "/context/session_name",
  "/session",
  "/tmuxSession",
  "/tmux_session",
  "/context/tmuxSession",
  "/context/tmux_session",
  "/session_id",
  "/sessionId",
  "/context/session_id",
  "/context/sessionId",
);
const SESSION_ID = ps("/session_id", "/sessionId", "/context/session_id", "/context/sessionId", "/session_name", "/context/session_name");
const PROJECT = ps("/project", "/projectName", "/project_name", "/context/project", "/context/projectName", "/context/project_name");
const REPO_NAME = ps("/repo_name", "/context/repo_name", "/projectName", "/context/projectName");
const REPO_PATH_FOR_NAME = ps("/repo_path", "/context/repo_path");
const REPO_PATH = ps("/repo_path", "/context/repo_path", "/projectPath", "/context/projectPath");
const WORKTREE_PATH = ps("/worktree_path", "/context/worktree_path", "/projectPath", "/context/projectPath");
const BRANCH = ps("/branch", "/context/branch");
const COMMAND = ps("/command", "/context/command", "/signal/command");
const TOOL_NAME = ps("/tool_name", "/context/tool_name", "/signal/toolName");
const TEST_RUNNER = ps("/test_runner", "/signal/testRunner");
const ELAPSED = ps("/elapsed_secs", "/context/elapsed_secs");
const STATUS = ps("/status", "/context/status", "/signal/phase");
const SUMMARY = ps(
  "/summary",
  "/signal/summary",
  "/reason",
  "/context/summary",
  "/context/contextSummary",
  "/context/reason",
  "/context/question",
);
const ERROR_MESSAGE = ps("/error_message", "/error_summary", "/context/error_summary", "/context/error_message");
const EVENT_TIMESTAMP = ps("/event_timestamp", "/timestamp");
const ROUTE_KEY_FIELD = ps("/route_key", "/signal/routeKey", "/context/route_key");
const SOURCE = ps("/source");
const ISSUE_NUMBER = ps("/issue_number", "/context/issue_number");
const PR_NUMBER = ps("/pr_number", "/context/pr_number");
const PR_URL = ps("/pr_url", "/context/pr_url", "/signal/prUrl");
const TOOL = ps("/tool");
const EVENT_ID = ps("/event_id");
const CORRELATION_ID = ps("/correlation_id");

const GITHUB_RENAMES: Readonly<Record<string, string>> = {
  "issue-opened": "github.issue-opened",
  "git.pr-status-changed": "github.pr-status-changed",
};

/**
 * The canonical kind of an incoming event: GitHub renames, then a mapping route key, then a mapping
 * normalized event, then the kind itself if it maps; anything else passes through unchanged.
 */
export function canonicalKind(kind: string, payload: unknown): string {
  const renamed = GITHUB_RENAMES[kind];
  if (renamed) return renamed;
  for (const pointers of [ROUTE_KEY, NORMALIZED_EVENT]) {
    const signal = firstString(payload, pointers);
    const mapped = signal === undefined ? undefined : mapNativeSignal(signal);
    if (mapped) return mapped;
  }
  return mapNativeSignal(kind) ?? kind;
}

function inferTool(payload: JsonRecord): string | undefined {
  const explicit = firstString(payload, TOOL);
  if (explicit) return explicit;
  const agent = payload.agent_name;
  if (typeof agent === "string") {
    const lower = agent.trim().toLowerCase();
    if (lower === "omc" || lower === "openclaw") return "omc";
    if (lower === "omx") return "omx";
  }
  if (at(payload, SIGNAL_ROUTE_KEY) !== undefined) return "omc";
  if (at(payload, CONTEXT_NORMALIZED_EVENT) !== undefined) return "omx";
  return undefined;
}

function firstIssueNumber(candidates: Array<string | undefined>): number | undefined {
  for (const candidate of candidates) {
    if (candidate === undefined) continue;
    const found = issueNumberIn(candidate);
    if (found !== undefined) return found;
  }
  return undefined;
}

/**
 * Normalizes one incoming event into the canonical event: the kind is resolved, and every metadata
 * field is computed from the original payload, then inserted only where the payload has no such key
 * (a key present with null, "" or another type blocks the backfill). Idempotent.
 */
export function normalizeEvent(
  incoming: { kind: string; payload: unknown; channel?: string; mention?: string; format?: ClawhipEvent["format"]; template?: string },
  env: NormalizeEnv = systemNormalizeEnv,
): ClawhipEvent {
  const original: JsonRecord = isRecord(incoming.payload) ? incoming.payload : { value: incoming.payload };
  const kind = canonicalKind(incoming.kind, original);

  const tool = inferTool(original);
  const eventId = firstString(original, EVENT_ID) ?? env.uuid();
  const sessionName = firstString(original, SESSION_NAME);
  const sessionId = firstString(original, SESSION_ID);
  const project = firstString(original, PROJECT);
  const repoPathForName = firstString(original, REPO_PATH_FOR_NAME);
  const repoName = firstString(original, REPO_NAME) ?? (repoPathForName === undefined ? undefined : pathBaseName(repoPathForName));
  const repoPath = firstString(original, REPO_PATH);
  const worktreePath = firstString(original, WORKTREE_PATH);
  const branch = firstString(original, BRANCH);
  const command = firstString(original, COMMAND);
  const toolName = firstString(original, TOOL_NAME);
  const testRunner = firstString(original, TEST_RUNNER) ?? (command === undefined ? undefined : testRunnerIn(command));
  const elapsed = firstU64(original, ELAPSED);
  const status = firstString(original, STATUS) ?? statusForKind(kind);
  const summary = firstString(original, SUMMARY);
  const errorMessage = firstString(original, ERROR_MESSAGE) ?? (kind.endsWith(".failed") ? summary : undefined);
  const explicitPrUrl = firstString(original, PR_URL);
  const summaryPr = summary === undefined ? undefined : prNumberIn(summary);
  const prUrl = explicitPrUrl ?? (summaryPr === undefined ? undefined : summary);
  const prNumber = firstU64(original, PR_NUMBER) ?? (prUrl === undefined ? undefined : prNumberIn(prUrl));
  const issueNumber = firstU64(original, ISSUE_NUMBER) ?? firstIssueNumber([sessionName, branch, worktreePath, command]) ?? prNumber;
  const correlationId = firstString(original, CORRELATION_ID) ?? sessionId ?? sessionName ?? project ?? repoName ?? eventId;
  const agentName = isLegacyAgentEvent(kind) || isSessionEvent(kind) ? tool : undefined;

  const payload: JsonRecord = { ...original };
  const fill = (key: string, value: unknown) => {
    if (value !== undefined && !(key in payload)) payload[key] = value;
  };
  if (kind !== incoming.kind) fill("raw_event", incoming.kind);
  fill("contract_event", kind);
  fill("tool", tool);
  fill("event_id", eventId);
  fill("correlation_id", correlationId);
  fill("first_seen_at", env.now().toISOString());
  fill("agent_name", agentName);
  fill("session_name", sessionName);
  fill("session_id", sessionId);
  fill("project", project);
  fill("repo_name", repoName);
  fill("repo_path", repoPath);
  fill("worktree_path", worktreePath);
  fill("branch", branch);
  fill("command", command);
  fill("tool_name", toolName);
  fill("test_runner", testRunner);
  fill("elapsed_secs", elapsed);
  fill("status", status);
  fill("summary", summary);
  fill("error_message", errorMessage);
  fill("event_timestamp", firstString(original, EVENT_TIMESTAMP));
  fill("route_key", firstString(original, ROUTE_KEY_FIELD));
  fill("source", firstString(original, SOURCE));
  fill("issue_number", issueNumber);
  fill("pr_number", prNumber);
  fill("pr_url", prUrl);

  const event: ClawhipEvent = { kind, payload };
  if (incoming.channel !== undefined) event.channel = incoming.channel;
  if (incoming.mention !== undefined) event.mention = incoming.mention;
  if (incoming.format !== undefined) event.format = incoming.format;
  if (incoming.template !== undefined) event.template = incoming.template;
  return event;
}
