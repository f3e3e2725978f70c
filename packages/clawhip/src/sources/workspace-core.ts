import type { ClawhipWorkspaceEventKind, ClawhipWorkspaceMonitor, ClawhipWorkspacePayload } from "@clawbridge/contracts";
import type { IncomingEvent } from "../normalize/incoming.js";
import { isRecord, type JsonRecord } from "../normalize/json.js";
import { globMatch } from "../route/glob.js";

/**
 * The workspace monitor's decisions, without I/O: which watched state file a path is, and what changed
 * between two readings of it, as upstream 0.6.7's `source/workspace.rs` decides (one diff per OMX/OMC
 * state file; a file it does not know is ignored).
 */

/** Where a state file sits: the workspace (a monitored path or one of its `.claude/worktrees/*`) and the watched folder. */
export interface StateFileLocation {
  monitor: ClawhipWorkspaceMonitor;
  workspaceRoot: string;
  workspaceName: string;
  stateFamily: "omx" | "omc" | "workspace";
  stateDir: string;
  /** The path below the watched folder, `/`-separated (`session.json`, `checkpoints/1.json`). */
  stateFile: string;
}

export function stateFamilyOf(watchDir: string): StateFileLocation["stateFamily"] {
  const normalized = watchDir.replaceAll("\\", "/");
  if (normalized.includes(".omx")) return "omx";
  if (normalized.includes(".omc")) return "omc";
  return "workspace";
}

type Reading = JsonRecord | undefined;

const str = (value: Reading, key: string): string | undefined => {
  const v = value?.[key];
  if (typeof v !== "string") return undefined;
  const trimmed = v.trim();
  return trimmed === "" ? undefined : trimmed;
};
const u64 = (value: Reading, key: string): number | undefined => {
  const v = value?.[key];
  return typeof v === "number" && Number.isSafeInteger(v) && v >= 0 ? v : undefined;
};
const bool = (value: Reading, key: string): boolean | undefined => {
  const v = value?.[key];
  return typeof v === "boolean" ? v : undefined;
};

/** Deep equality of two JSON readings (key order aside). */
function sameJson(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (Array.isArray(a) || Array.isArray(b)) {
    return Array.isArray(a) && Array.isArray(b) && a.length === b.length && a.every((x, i) => sameJson(x, b[i]));
  }
  if (!isRecord(a) || !isRecord(b)) return false;
  const keys = Object.keys(a);
  return keys.length === Object.keys(b).length && keys.every((k) => Object.hasOwn(b, k) && sameJson(a[k], b[k]));
}

type Fields = Partial<Omit<ClawhipWorkspacePayload, "summary">>;
interface Change {
  kind: ClawhipWorkspaceEventKind;
  /** The reading the base fields (`tool`) come from. */
  from: JsonRecord;
  fields: Fields;
  summary: string;
}

/** Fields with a value only: upstream leaves absent and empty ones out of the payload. */
function defined(fields: Record<string, unknown>): Fields {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(fields)) {
    if (value === undefined || value === "" || (Array.isArray(value) && value.length === 0)) continue;
    out[key] = value;
  }
  return out as Fields;
}

function diffSession(prev: Reading, curr: Reading): Change[] {
  if (prev === undefined && curr !== undefined) {
    const fields = defined({
      session_id: str(curr, "session_id"),
      started_at: str(curr, "started_at"),
      pid: u64(curr, "pid"),
      cwd: str(curr, "cwd"),
    });
    return [{ kind: "workspace.session.started", from: curr, fields, summary: "workspace session started" }];
  }
  if (prev !== undefined && curr !== undefined) {
    if (str(prev, "session_id") === str(curr, "session_id")) return [];
    const fields = defined({
      session_id: str(curr, "session_id"),
      previous_session_id: str(prev, "session_id"),
      started_at: str(curr, "started_at"),
      pid: u64(curr, "pid"),
      cwd: str(curr, "cwd"),
    });
    return [{ kind: "workspace.session.started", from: curr, fields, summary: "workspace session rotated" }];
  }
  if (prev !== undefined) {
    const fields = defined({ session_id: str(prev, "session_id"), started_at: str(prev, "started_at"), pid: u64(prev, "pid") });
    return [{ kind: "workspace.session.ended", from: prev, fields, summary: "workspace session ended" }];
  }
  return [];
}

function diffHud(prev: Reading, curr: JsonRecord): Change[] {
  const turns = u64(curr, "turn_count");
  if (turns === undefined) return [];
  const before = u64(prev, "turn_count") ?? 0;
  if (prev !== undefined && turns <= before && str(prev, "last_turn_at") === str(curr, "last_turn_at")) return [];
  const fields = defined({
    turn_count: turns,
    turn_delta: Math.max(0, turns - before),
    last_turn_at: str(curr, "last_turn_at"),
    last_agent_output: str(curr, "last_agent_output"),
  });
  return [{ kind: "workspace.turn.complete", from: curr, fields, summary: `turn ${turns} complete` }];
}

const recentTurnKeys = (value: Reading) => {
  const recent = value?.recent_turns;
  return isRecord(recent) ? Object.keys(recent) : [];
};

function diffNotifyHook(prev: Reading, curr: JsonRecord): Change[] {
  const before = new Set(recentTurnKeys(prev));
  const now = recentTurnKeys(curr);
  const added = now.filter((key) => !before.has(key)).sort();
  if (added.length === 0 && str(prev, "last_event_at") === str(curr, "last_event_at")) return [];
  const fields = defined({ turn_count: now.length, last_event_at: str(curr, "last_event_at"), recent_turn_keys: added });
  return [{ kind: "workspace.agent.turn", from: curr, fields, summary: "agent turn activity observed" }];
}

function diffSkill(prev: Reading, curr: JsonRecord): Change[] {
  const wasActive = bool(prev, "active") ?? false;
  const active = bool(curr, "active") ?? false;
  let kind: ClawhipWorkspaceEventKind;
  if (!wasActive && active) kind = "workspace.skill.activated";
  else if (wasActive && !active) kind = "workspace.skill.deactivated";
  else if (str(prev, "phase") !== str(curr, "phase")) kind = "workspace.skill.phase-changed";
  else if (str(prev, "skill") !== str(curr, "skill")) kind = "workspace.skill.activated";
  else return [];
  const fields = defined({
    active,
    skill: str(curr, "skill"),
    phase: str(curr, "phase"),
    keyword: str(curr, "keyword"),
    source_kind: str(curr, "source"),
    previous_skill: str(prev, "skill"),
    previous_phase: str(prev, "phase"),
  });
  return [{ kind, from: curr, fields, summary: "workspace skill state changed" }];
}

/** A file reported whenever its content changes at all. */
const onAnyChange =
  (kind: ClawhipWorkspaceEventKind, summary: string, fieldsOf: (curr: JsonRecord) => Fields = () => ({})) =>
  (prev: Reading, curr: JsonRecord): Change[] =>
    prev !== undefined && sameJson(prev, curr) ? [] : [{ kind, from: curr, fields: fieldsOf(curr), summary }];

/** A file reported when one field's value changes (or on its first reading). */
const onFieldChange =
  (
    kind: ClawhipWorkspaceEventKind,
    summary: string,
    read: (v: Reading) => unknown,
    fieldsOf: (prev: Reading, curr: JsonRecord) => Fields,
  ) =>
  (prev: Reading, curr: JsonRecord): Change[] =>
    prev !== undefined && read(prev) === read(curr) ? [] : [{ kind, from: curr, fields: fieldsOf(prev, curr), summary }];

function diffTmuxHook(prev: Reading, curr: JsonRecord): Change[] {
  const total = u64(curr, "total_injections");
  if (total === undefined) return [];
  const before = u64(prev, "total_injections") ?? 0;
  if (prev !== undefined && total === before) return [];
  const fields = defined({
    total_injections: total,
    injection_delta: Math.max(0, total - before),
    last_reason: str(curr, "last_reason"),
    last_event_at: str(curr, "last_event_at"),
  });
  return [{ kind: "workspace.tmux.injection", from: curr, fields, summary: "tmux injection state changed" }];
}

type Differ = (prev: Reading, curr: JsonRecord) => Change[];

const BY_FILE: ReadonlyMap<string, Differ> = new Map<string, Differ>([
  ["hud-state.json", diffHud],
  ["notify-hook-state.json", diffNotifyHook],
  ["skill-active-state.json", diffSkill],
  ["metrics.json", onAnyChange("workspace.metrics.updated", "workspace metrics updated", (curr) => ({ metrics: curr }))],
  ["tmux-hook-state.json", diffTmuxHook],
  [
    "team-leader-nudge.json",
    onAnyChange("workspace.team.nudged", "team leader nudge state changed", (curr) =>
      defined({ last_nudged_by_team: str(curr, "last_nudged_by_team"), last_idle_nudged_by_team: str(curr, "last_idle_nudged_by_team") }),
    ),
  ],
  [
    "notify-fallback-state.json",
    onFieldChange(
      "workspace.session.blocked",
      "notify fallback monitor active",
      (v) => u64(v, "pid"),
      (_prev, curr) =>
        defined({
          pid: u64(curr, "pid"),
          parent_pid: u64(curr, "parent_pid"),
          notify_script: str(curr, "notify_script"),
          started_at: str(curr, "started_at"),
          cwd: str(curr, "cwd"),
        }),
    ),
  ],
  [
    "mission-state.json",
    onFieldChange(
      "workspace.mission.updated",
      "mission state updated",
      (v) => str(v, "updatedAt"),
      (_prev, curr) =>
        defined({ updated_at: str(curr, "updatedAt"), mission_count: Array.isArray(curr.missions) ? curr.missions.length : undefined }),
    ),
  ],
  ["team-state.json", onAnyChange("workspace.team.updated", "team state updated")],
  ["subagent-tracking.json", onAnyChange("workspace.team.updated", "subagent tracking updated")],
]);

const diffCheckpoint = onFieldChange(
  "workspace.session.checkpointed",
  "workspace checkpoint captured",
  (v) => str(v, "created_at"),
  (_prev, curr) => defined({ created_at: str(curr, "created_at"), trigger: str(curr, "trigger"), todo_summary: str(curr, "todo_summary") }),
);
const diffIdleCooldown = onAnyChange("workspace.session.blocked", "workspace session idle cooldown updated");

function differFor(stateFile: string): Differ | undefined {
  const known = BY_FILE.get(stateFile);
  if (known !== undefined) return known;
  if (stateFile.startsWith("checkpoints/")) return diffCheckpoint;
  if (stateFile.endsWith("idle-notif-cooldown.json")) return diffIdleCooldown;
  return undefined;
}

/** Whether a state file is one the monitor has a diff for (others are not read at all). */
export function isKnownStateFile(stateFile: string): boolean {
  return stateFile === "session.json" || differFor(stateFile) !== undefined;
}

/** Whether the monitor's `events` globs let a kind through (none: every kind). */
export function monitorAllows(monitor: Pick<ClawhipWorkspaceMonitor, "events">, kind: string): boolean {
  return monitor.events.length === 0 || monitor.events.some((pattern) => globMatch(pattern, kind));
}

/**
 * The events between two readings of a state file (undefined: absent, or not yet read). Only
 * `session.json` reports a file going away; the other files report what a new reading changed.
 */
export function diffStateFile(location: StateFileLocation, previous: Reading, current: Reading): IncomingEvent[] {
  let changes: Change[];
  if (location.stateFile === "session.json") changes = diffSession(previous, current);
  else {
    const differ = differFor(location.stateFile);
    changes = differ === undefined || current === undefined ? [] : differ(previous, current);
  }
  return changes
    .filter((change) => monitorAllows(location.monitor, change.kind))
    .map((change) => {
      const tool = str(change.from, "tool");
      const payload: ClawhipWorkspacePayload = {
        workspace_root: location.workspaceRoot,
        workspace_name: location.workspaceName,
        monitor_path: location.monitor.path,
        state_family: location.stateFamily,
        state_dir: location.stateDir,
        state_file: location.stateFile,
        ...(tool === undefined ? {} : { tool }),
        ...change.fields,
        summary: change.summary,
      };
      const event: IncomingEvent = { kind: change.kind, payload };
      if (location.monitor.channel) event.channel = location.monitor.channel;
      if (location.monitor.mention) event.mention = location.monitor.mention;
      if (location.monitor.format) event.format = location.monitor.format;
      return event;
    });
}
