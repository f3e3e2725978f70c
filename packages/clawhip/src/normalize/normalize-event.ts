import type { ClawhipEvent } from "@clawbridge/contracts";
import { issueNumberIn, pathBaseName, prNumberIn, testRunnerIn } from "./inference.js";
import { isoNow } from "./iso-now.js";
import { asU64, isRecord, type JsonRecord, nonBlank, setOwn } from "./json.js";
import { isLegacyAgentEvent, isSessionEvent, mapNativeSignal, statusForKind } from "./kinds.js";
import { tmuxFieldsOf } from "./tmux-fields.js";

/** Sources of ids and time, injected so normalization stays pure and testable. */
export interface NormalizeEnv {
  /** The current time as an ISO-8601 string (`first_seen_at`). */
  now: () => string;
  /** A new, unique event id per call (an id minted here is trusted not to repeat). */
  uuid: () => string;
}

export const systemNormalizeEnv: NormalizeEnv = { now: isoNow, uuid: () => crypto.randomUUID() };

/**
 * Every source pointer is `/key`, `/context/key` or `/signal/key`, so a pointer is a scope (root,
 * context, signal) and a key; the two nested objects are looked up once per event, not per pointer.
 */
interface ScopedPointer {
  scope: 0 | 1 | 2;
  key: string;
}
type Scopes = readonly [JsonRecord, JsonRecord | undefined, JsonRecord | undefined];

const SCOPE_NAMES: ReadonlyMap<string, 1 | 2> = new Map([
  ["context", 1],
  ["signal", 2],
]);
const ps = (...paths: string[]): ScopedPointer[] =>
  paths.map((path) => {
    const [first, second] = path.split("/").filter(Boolean) as [string, string | undefined];
    if (second === undefined) return { scope: 0, key: first };
    const scope = SCOPE_NAMES.get(first);
    if (scope === undefined) throw new Error(`unsupported pointer ${path}`);
    return { scope, key: second };
  });

function scopesOf(payload: JsonRecord): Scopes {
  const context = payload.context;
  const signal = payload.signal;
  return [payload, isRecord(context) ? context : undefined, isRecord(signal) ? signal : undefined];
}

function valueAt(scopes: Scopes, pointer: ScopedPointer): unknown {
  const scope = scopes[pointer.scope];
  return scope === undefined ? undefined : scope[pointer.key];
}

function firstString(scopes: Scopes, pointers: readonly ScopedPointer[]): string | undefined {
  for (let i = 0; i < pointers.length; i += 1) {
    const found = nonBlank(valueAt(scopes, pointers[i] as ScopedPointer));
    if (found !== undefined) return found;
  }
  return undefined;
}

function firstU64(scopes: Scopes, pointers: readonly ScopedPointer[]): number | undefined {
  for (let i = 0; i < pointers.length; i += 1) {
    const found = asU64(valueAt(scopes, pointers[i] as ScopedPointer));
    if (found !== undefined) return found;
  }
  return undefined;
}

const ROUTE_KEY = ps("/signal/routeKey", "/route_key", "/context/route_key");
const NORMALIZED_EVENT = ps("/context/normalized_event", "/normalized_event");
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

/** A Map: an incoming kind is client text, and `constructor` must not find `Object`. */
const GITHUB_RENAMES: ReadonlyMap<string, string> = new Map([
  ["issue-opened", "github.issue-opened"],
  ["git.pr-status-changed", "github.pr-status-changed"],
]);

/**
 * The canonical kind of an incoming event: GitHub renames, then a mapping route key, then a mapping
 * normalized event, then the kind itself if it maps; anything else passes through unchanged.
 */
export function canonicalKind(kind: string, payload: unknown): string {
  return canonicalKindIn(kind, scopesOf(isRecord(payload) ? payload : {}));
}

function canonicalKindIn(kind: string, scopes: Scopes): string {
  const renamed = GITHUB_RENAMES.get(kind);
  if (renamed) return renamed;
  for (const pointers of [ROUTE_KEY, NORMALIZED_EVENT]) {
    const signal = firstString(scopes, pointers);
    const mapped = signal === undefined ? undefined : mapNativeSignal(signal);
    if (mapped) return mapped;
  }
  return mapNativeSignal(kind) ?? kind;
}

function inferTool(scopes: Scopes): string | undefined {
  const explicit = firstString(scopes, TOOL);
  if (explicit) return explicit;
  const agent = scopes[0].agent_name;
  if (typeof agent === "string") {
    const lower = agent.trim().toLowerCase();
    if (lower === "omc" || lower === "openclaw") return "omc";
    if (lower === "omx") return "omx";
  }
  if (scopes[2]?.routeKey !== undefined) return "omc";
  if (scopes[1]?.normalized_event !== undefined) return "omx";
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
  const scopes = scopesOf(original);
  const kind = canonicalKindIn(incoming.kind, scopes);

  const tool = inferTool(scopes);
  const eventId = firstString(scopes, EVENT_ID) ?? env.uuid();
  const sessionName = firstString(scopes, SESSION_NAME);
  const sessionId = firstString(scopes, SESSION_ID);
  const project = firstString(scopes, PROJECT);
  const repoPathForName = firstString(scopes, REPO_PATH_FOR_NAME);
  const repoName = firstString(scopes, REPO_NAME) ?? (repoPathForName === undefined ? undefined : pathBaseName(repoPathForName));
  const repoPath = firstString(scopes, REPO_PATH);
  const worktreePath = firstString(scopes, WORKTREE_PATH);
  const branch = firstString(scopes, BRANCH);
  const command = firstString(scopes, COMMAND);
  const toolName = firstString(scopes, TOOL_NAME);
  const testRunner = firstString(scopes, TEST_RUNNER) ?? (command === undefined ? undefined : testRunnerIn(command));
  const elapsed = firstU64(scopes, ELAPSED);
  const status = firstString(scopes, STATUS) ?? statusForKind(kind);
  const summary = firstString(scopes, SUMMARY);
  const errorMessage = firstString(scopes, ERROR_MESSAGE) ?? (kind.endsWith(".failed") ? summary : undefined);
  const explicitPrUrl = firstString(scopes, PR_URL);
  const summaryPr = summary === undefined ? undefined : prNumberIn(summary);
  const prUrl = explicitPrUrl ?? (summaryPr === undefined ? undefined : summary);
  const prNumber = firstU64(scopes, PR_NUMBER) ?? (prUrl === undefined ? undefined : prNumberIn(prUrl));
  const issueNumber = firstU64(scopes, ISSUE_NUMBER) ?? firstIssueNumber([sessionName, branch, worktreePath, command]) ?? prNumber;
  const correlationId = firstString(scopes, CORRELATION_ID) ?? sessionId ?? sessionName ?? project ?? repoName ?? eventId;
  const agentName = isLegacyAgentEvent(kind) || isSessionEvent(kind) ? tool : undefined;

  // Backfills first, the original copied over them: a key the payload has (even null) wins, which is
  // upstream's insert-if-missing rule, and keeps its place after the backfills.
  const fills: JsonRecord = {};
  if (kind !== incoming.kind) fills.raw_event = incoming.kind;
  fills.contract_event = kind;
  if (tool !== undefined) fills.tool = tool;
  fills.event_id = eventId;
  fills.correlation_id = correlationId;
  fills.first_seen_at = env.now();
  if (agentName !== undefined) fills.agent_name = agentName;
  if (sessionName !== undefined) fills.session_name = sessionName;
  if (sessionId !== undefined) fills.session_id = sessionId;
  if (project !== undefined) fills.project = project;
  if (repoName !== undefined) fills.repo_name = repoName;
  if (repoPath !== undefined) fills.repo_path = repoPath;
  if (worktreePath !== undefined) fills.worktree_path = worktreePath;
  if (branch !== undefined) fills.branch = branch;
  if (command !== undefined) fills.command = command;
  if (toolName !== undefined) fills.tool_name = toolName;
  if (testRunner !== undefined) fills.test_runner = testRunner;
  if (elapsed !== undefined) fills.elapsed_secs = elapsed;
  if (status !== undefined) fills.status = status;
  if (summary !== undefined) fills.summary = summary;
  if (errorMessage !== undefined) fills.error_message = errorMessage;
  const eventTimestamp = firstString(scopes, EVENT_TIMESTAMP);
  if (eventTimestamp !== undefined) fills.event_timestamp = eventTimestamp;
  const routeKey = firstString(scopes, ROUTE_KEY_FIELD);
  if (routeKey !== undefined) fills.route_key = routeKey;
  const source = firstString(scopes, SOURCE);
  if (source !== undefined) fills.source = source;
  if (issueNumber !== undefined) fills.issue_number = issueNumber;
  if (prNumber !== undefined) fills.pr_number = prNumber;
  if (prUrl !== undefined) fills.pr_url = prUrl;
  Object.assign(fills, tmuxFieldsOf(original));
  const payload = fills;
  if (!Object.hasOwn(original, "__proto__")) Object.assign(payload, original);
  // Object.assign would set the prototype from an own `__proto__` key: this rare payload is copied key by key.
  else for (const key of Object.keys(original)) setOwn(payload, key, original[key]);

  const event: ClawhipEvent = { kind, payload };
  if (incoming.channel !== undefined) event.channel = incoming.channel;
  if (incoming.mention !== undefined) event.mention = incoming.mention;
  if (incoming.format !== undefined) event.format = incoming.format;
  if (incoming.template !== undefined) event.template = incoming.template;
  return event;
}
