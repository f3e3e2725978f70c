import { randomUUID } from "node:crypto";
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

export const systemNormalizeEnv: NormalizeEnv = { now: isoNow, uuid: randomUUID };

/**
 * A metadata field and where it is looked for, in upstream's order: every pointer is `/key`,
 * `/context/key` or `/signal/key`, so a pointer is a scope (root, context, signal) and a key.
 */
interface Field<T> {
  slot: number;
  read: (value: unknown) => T | undefined;
}
type Scopes = readonly [JsonRecord, JsonRecord | undefined, JsonRecord | undefined];
/** Where a key of one scope counts: for which field, and how early in that field's pointer list. */
interface Slot {
  field: number;
  rank: number;
  read: (value: unknown) => unknown;
}

const SCOPE_NAMES: ReadonlyMap<string, 1 | 2> = new Map([
  ["context", 1],
  ["signal", 2],
]);
/**
 * Per scope, the keys any field looks for. An event's keys are walked once against these, rather than
 * every pointer of every field being looked up: payloads come in many shapes, and a lookup by a key
 * the payload lacks is the slow case of a property load.
 */
const SCOPE_KEYS: readonly [Map<string, Slot[]>, Map<string, Slot[]>, Map<string, Slot[]>] = [new Map(), new Map(), new Map()];
let fieldCount = 0;

function field<T>(read: (value: unknown) => T | undefined, ...paths: string[]): Field<T> {
  const slot = fieldCount;
  fieldCount += 1;
  paths.forEach((path, rank) => {
    const [first, second] = path.split("/").filter(Boolean) as [string, string | undefined];
    const scope = second === undefined ? 0 : SCOPE_NAMES.get(first);
    if (scope === undefined) throw new Error(`unsupported pointer ${path}`);
    const keys = SCOPE_KEYS[scope];
    const key = second ?? first;
    const slots = keys.get(key) ?? [];
    slots.push({ field: slot, rank, read });
    keys.set(key, slots);
  });
  return { slot, read };
}

function scopesOf(payload: JsonRecord): Scopes {
  const context = payload.context;
  const signal = payload.signal;
  return [payload, isRecord(context) ? context : undefined, isRecord(signal) ? signal : undefined];
}

/** Every field's value: the first of its pointers (in order) whose value its reader accepts. */
function lookUpFields(scopes: Scopes): unknown[] {
  const values: unknown[] = new Array(fieldCount);
  const ranks: number[] = new Array(fieldCount).fill(Number.MAX_SAFE_INTEGER);
  for (let scope = 0; scope < 3; scope += 1) {
    const record = scopes[scope as 0 | 1 | 2];
    if (record === undefined) continue;
    const keys = SCOPE_KEYS[scope as 0 | 1 | 2];
    for (const key in record) {
      const slots = keys.get(key);
      if (slots === undefined) continue;
      const value = record[key];
      for (const slot of slots) {
        if (slot.rank >= (ranks[slot.field] as number)) continue;
        const found = slot.read(value);
        if (found === undefined) continue;
        values[slot.field] = found;
        ranks[slot.field] = slot.rank;
      }
    }
  }
  return values;
}

const get = <T>(values: readonly unknown[], f: Field<T>): T | undefined => values[f.slot] as T | undefined;

const ROUTE_KEY = field(nonBlank, "/signal/routeKey", "/route_key", "/context/route_key");
const NORMALIZED_EVENT = field(nonBlank, "/context/normalized_event", "/normalized_event");
const SESSION_NAME = field(
  nonBlank,
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
const SESSION_ID = field(
  nonBlank,
  "/session_id",
  "/sessionId",
  "/context/session_id",
  "/context/sessionId",
  "/session_name",
  "/context/session_name",
);
const PROJECT = field(
  nonBlank,
  "/project",
  "/projectName",
  "/project_name",
  "/context/project",
  "/context/projectName",
  "/context/project_name",
);
const REPO_NAME = field(nonBlank, "/repo_name", "/context/repo_name", "/projectName", "/context/projectName");
const REPO_PATH_FOR_NAME = field(nonBlank, "/repo_path", "/context/repo_path");
const REPO_PATH = field(nonBlank, "/repo_path", "/context/repo_path", "/projectPath", "/context/projectPath");
const WORKTREE_PATH = field(nonBlank, "/worktree_path", "/context/worktree_path", "/projectPath", "/context/projectPath");
const BRANCH = field(nonBlank, "/branch", "/context/branch");
const COMMAND = field(nonBlank, "/command", "/context/command", "/signal/command");
const TOOL_NAME = field(nonBlank, "/tool_name", "/context/tool_name", "/signal/toolName");
const TEST_RUNNER = field(nonBlank, "/test_runner", "/signal/testRunner");
const ELAPSED = field(asU64, "/elapsed_secs", "/context/elapsed_secs");
const STATUS = field(nonBlank, "/status", "/context/status", "/signal/phase");
const SUMMARY = field(
  nonBlank,
  "/summary",
  "/signal/summary",
  "/reason",
  "/context/summary",
  "/context/contextSummary",
  "/context/reason",
  "/context/question",
);
const ERROR_MESSAGE = field(nonBlank, "/error_message", "/error_summary", "/context/error_summary", "/context/error_message");
const EVENT_TIMESTAMP = field(nonBlank, "/event_timestamp", "/timestamp");
const ROUTE_KEY_FIELD = field(nonBlank, "/route_key", "/signal/routeKey", "/context/route_key");
const SOURCE = field(nonBlank, "/source");
const ISSUE_NUMBER = field(asU64, "/issue_number", "/context/issue_number");
const PR_NUMBER = field(asU64, "/pr_number", "/context/pr_number");
const PR_URL = field(nonBlank, "/pr_url", "/context/pr_url", "/signal/prUrl");
const TOOL = field(nonBlank, "/tool");
const EVENT_ID = field(nonBlank, "/event_id");
const CORRELATION_ID = field(nonBlank, "/correlation_id");

/**
 * A plain object (its prototype is Object.prototype, as `{}`'s) with room for a whole payload inside
 * it. V8 gives `{}` four in-object slots; past a dozen more, a store under a computed key (copying the
 * original payload's keys) turns the object into a slow hash table, and an OMC event's 24 keys did:
 * normalizing took half the pipeline's time, and every later read of the payload paid too. Objects a
 * constructor makes get their slots sized from the first ones it made, so payloads stay fast objects.
 */
function PayloadRecord(): void {}
PayloadRecord.prototype = Object.prototype;
const newPayload = (): JsonRecord => new (PayloadRecord as unknown as new () => JsonRecord)();

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
  return canonicalKindIn(kind, lookUpFields(scopesOf(isRecord(payload) ? payload : {})));
}

function canonicalKindIn(kind: string, values: readonly unknown[]): string {
  const renamed = GITHUB_RENAMES.get(kind);
  if (renamed) return renamed;
  for (const pointers of [ROUTE_KEY, NORMALIZED_EVENT]) {
    const signal = get(values, pointers);
    const mapped = signal === undefined ? undefined : mapNativeSignal(signal);
    if (mapped) return mapped;
  }
  return mapNativeSignal(kind) ?? kind;
}

function inferTool(scopes: Scopes, values: readonly unknown[]): string | undefined {
  const explicit = get(values, TOOL);
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
  const values = lookUpFields(scopes);
  const kind = canonicalKindIn(incoming.kind, values);

  const tool = inferTool(scopes, values);
  const eventId = get(values, EVENT_ID) ?? env.uuid();
  const sessionName = get(values, SESSION_NAME);
  const sessionId = get(values, SESSION_ID);
  const project = get(values, PROJECT);
  const repoPathForName = get(values, REPO_PATH_FOR_NAME);
  const repoName = get(values, REPO_NAME) ?? (repoPathForName === undefined ? undefined : pathBaseName(repoPathForName));
  const repoPath = get(values, REPO_PATH);
  const worktreePath = get(values, WORKTREE_PATH);
  const branch = get(values, BRANCH);
  const command = get(values, COMMAND);
  const toolName = get(values, TOOL_NAME);
  const testRunner = get(values, TEST_RUNNER) ?? (command === undefined ? undefined : testRunnerIn(command));
  const elapsed = get(values, ELAPSED);
  const status = get(values, STATUS) ?? statusForKind(kind);
  const summary = get(values, SUMMARY);
  const errorMessage = get(values, ERROR_MESSAGE) ?? (kind.endsWith(".failed") ? summary : undefined);
  const explicitPrUrl = get(values, PR_URL);
  const summaryPr = summary === undefined ? undefined : prNumberIn(summary);
  const prUrl = explicitPrUrl ?? (summaryPr === undefined ? undefined : summary);
  const prNumber = get(values, PR_NUMBER) ?? (prUrl === undefined ? undefined : prNumberIn(prUrl));
  const issueNumber = get(values, ISSUE_NUMBER) ?? firstIssueNumber([sessionName, branch, worktreePath, command]) ?? prNumber;
  const correlationId = get(values, CORRELATION_ID) ?? sessionId ?? sessionName ?? project ?? repoName ?? eventId;
  const agentName = isLegacyAgentEvent(kind) || isSessionEvent(kind) ? tool : undefined;

  // Backfills first, the original copied over them: a key the payload has (even null) wins, which is
  // upstream's insert-if-missing rule, and keeps its place after the backfills.
  const fills = newPayload();
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
  const eventTimestamp = get(values, EVENT_TIMESTAMP);
  if (eventTimestamp !== undefined) fills.event_timestamp = eventTimestamp;
  const routeKey = get(values, ROUTE_KEY_FIELD);
  if (routeKey !== undefined) fills.route_key = routeKey;
  const source = get(values, SOURCE);
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
