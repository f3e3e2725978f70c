import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ClawhipWorkspaceMonitorSchema, ClawhipWorkspacePayloadSchema } from "@clawbridge/contracts";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { IncomingEvent } from "../normalize/incoming.js";
import type { JsonRecord } from "../normalize/json.js";
import { renderEvent } from "../render/render-event.js";
import { diffStateFile, monitorAllows, type StateFileLocation } from "./workspace-core.js";
import { WorkspaceMonitor } from "./workspace-monitor.js";

const monitor = ClawhipWorkspaceMonitorSchema.parse({ path: "/tmp/repo", channel: "alerts", mention: "<@1>", format: "compact" });
const at = (stateFile: string): StateFileLocation => ({
  monitor,
  workspaceRoot: "/tmp/repo",
  workspaceName: "repo",
  stateFamily: "omx",
  stateDir: "/tmp/repo/.omx/state",
  stateFile,
});
const payloadOf = (event: IncomingEvent | undefined) => event?.payload as JsonRecord;

/**
 * upstream source/workspace.rs: its tests (named) and, for the files its tests do not cover, the
 * kinds and fields its diff functions produce. `prev`/`curr` undefined: no reading.
 */
const CASES: Array<{ name: string; file: string; prev?: JsonRecord; curr?: JsonRecord; kinds: string[]; fields?: JsonRecord }> = [
  {
    name: "session_diff_emits_started",
    file: "session.json",
    curr: { session_id: "abc", pid: 1, cwd: "/tmp" },
    kinds: ["workspace.session.started"],
    fields: { session_id: "abc", pid: 1, cwd: "/tmp", summary: "workspace session started" },
  },
  {
    name: "session_diff_emits_ended",
    file: "session.json",
    prev: { session_id: "abc", pid: 1 },
    kinds: ["workspace.session.ended"],
    fields: { session_id: "abc", summary: "workspace session ended" },
  },
  {
    name: "a new session id is a rotation",
    file: "session.json",
    prev: { session_id: "a" },
    curr: { session_id: "b" },
    kinds: ["workspace.session.started"],
    fields: { session_id: "b", previous_session_id: "a", summary: "workspace session rotated" },
  },
  {
    name: "the same session id is no event",
    file: "session.json",
    prev: { session_id: "a", pid: 1 },
    curr: { session_id: "a", pid: 2 },
    kinds: [],
  },
  {
    name: "hud_diff_emits_turn_completion",
    file: "hud-state.json",
    prev: { turn_count: 1, last_turn_at: "t1" },
    curr: { turn_count: 2, last_turn_at: "t2", last_agent_output: "done" },
    kinds: ["workspace.turn.complete"],
    fields: { turn_count: 2, turn_delta: 1, last_agent_output: "done", summary: "turn 2 complete" },
  },
  {
    name: "a hud reading without new turns is no event",
    file: "hud-state.json",
    prev: { turn_count: 2, last_turn_at: "t" },
    curr: { turn_count: 2, last_turn_at: "t" },
    kinds: [],
  },
  {
    name: "skill_diff_emits_activation",
    file: "skill-active-state.json",
    prev: { active: false },
    curr: { active: true, skill: "ralph", phase: "exec" },
    kinds: ["workspace.skill.activated"],
    fields: { skill: "ralph", phase: "exec", active: true },
  },
  {
    name: "skill deactivated",
    file: "skill-active-state.json",
    prev: { active: true, skill: "ralph" },
    curr: { active: false, skill: "ralph" },
    kinds: ["workspace.skill.deactivated"],
  },
  {
    name: "skill phase changed",
    file: "skill-active-state.json",
    prev: { active: true, skill: "ralph", phase: "plan" },
    curr: { active: true, skill: "ralph", phase: "exec" },
    kinds: ["workspace.skill.phase-changed"],
    fields: { previous_phase: "plan", phase: "exec" },
  },
  {
    name: "new recent turns are agent turns",
    file: "notify-hook-state.json",
    prev: { recent_turns: { a: 1 } },
    curr: { recent_turns: { a: 1, b: 2 }, last_event_at: "t" },
    kinds: ["workspace.agent.turn"],
    fields: { turn_count: 2, recent_turn_keys: ["b"], summary: "agent turn activity observed" },
  },
  {
    name: "metrics carry the whole reading",
    file: "metrics.json",
    prev: { turns: 1 },
    curr: { turns: 2 },
    kinds: ["workspace.metrics.updated"],
    fields: { metrics: { turns: 2 } },
  },
  { name: "unchanged metrics are no event", file: "metrics.json", prev: { turns: 1, x: [1] }, curr: { x: [1], turns: 1 }, kinds: [] },
  {
    name: "tmux injections counted",
    file: "tmux-hook-state.json",
    prev: { total_injections: 2 },
    curr: { total_injections: 5, last_reason: "idle" },
    kinds: ["workspace.tmux.injection"],
    fields: { total_injections: 5, injection_delta: 3, last_reason: "idle" },
  },
  {
    name: "team nudge",
    file: "team-leader-nudge.json",
    prev: {},
    curr: { last_nudged_by_team: "t1" },
    kinds: ["workspace.team.nudged"],
    fields: { last_nudged_by_team: "t1" },
  },
  {
    name: "notify fallback (a new pid) is blocked, high priority",
    file: "notify-fallback-state.json",
    prev: { pid: 1 },
    curr: { pid: 2, parent_pid: 1, notify_script: "n.sh" },
    kinds: ["workspace.session.blocked"],
    fields: { pid: 2, parent_pid: 1, notify_script: "n.sh", summary: "notify fallback monitor active" },
  },
  {
    name: "missions updated",
    file: "mission-state.json",
    prev: { updatedAt: "1" },
    curr: { updatedAt: "2", missions: [{}, {}] },
    kinds: ["workspace.mission.updated"],
    fields: { updated_at: "2", mission_count: 2 },
  },
  {
    name: "team state",
    file: "team-state.json",
    prev: { a: 1 },
    curr: { a: 2 },
    kinds: ["workspace.team.updated"],
    fields: { summary: "team state updated" },
  },
  {
    name: "subagents",
    file: "subagent-tracking.json",
    curr: { a: 1 },
    kinds: ["workspace.team.updated"],
    fields: { summary: "subagent tracking updated" },
  },
  {
    name: "checkpoints",
    file: "checkpoints/cp-1.json",
    curr: { created_at: "t", trigger: "manual", todo_summary: "3 left" },
    kinds: ["workspace.session.checkpointed"],
    fields: { created_at: "t", trigger: "manual", todo_summary: "3 left" },
  },
  {
    name: "idle cooldown",
    file: "sessions/x/idle-notif-cooldown.json",
    prev: { t: 1 },
    curr: { t: 2 },
    kinds: ["workspace.session.blocked"],
  },
  { name: "an unknown file is no event", file: "other.json", curr: { a: 1 }, kinds: [] },
  { name: "only session.json reports a removal", file: "hud-state.json", prev: { turn_count: 1 }, kinds: [] },
];

describe("workspace state diffs (upstream source/workspace.rs)", () => {
  it.each(CASES)("$name", ({ file, prev, curr, kinds, fields }) => {
    const events = diffStateFile(at(file), prev, curr);
    expect(events.map((e) => e.kind)).toEqual(kinds);
    if (fields) expect(payloadOf(events[0])).toMatchObject(fields);
    for (const event of events) {
      expect(ClawhipWorkspacePayloadSchema.safeParse(event.payload).success).toBe(true);
      expect(payloadOf(event)).toMatchObject({
        workspace_root: "/tmp/repo",
        workspace_name: "repo",
        state_family: "omx",
        state_file: file,
      });
      expect([event.channel, event.mention, event.format]).toEqual(["alerts", "<@1>", "compact"]);
    }
  });

  it("event_filter_honors_globs", () => {
    const filtered = { events: ["workspace.skill.*"] };
    expect(monitorAllows(filtered, "workspace.skill.activated")).toBe(true);
    expect(monitorAllows(filtered, "workspace.turn.complete")).toBe(false);
  });
});

describe("WorkspaceMonitor on a real folder (injected clock)", () => {
  let root: string;
  let clock: number;
  let events: IncomingEvent[];
  const monitors: WorkspaceMonitor[] = [];

  beforeEach(async () => {
    root = await mkdtemp(join(tmpdir(), "clawhip-ws-"));
    clock = 0;
    events = [];
  });
  afterEach(async () => {
    for (const m of monitors.splice(0)) await m.close();
    await rm(root, { recursive: true, force: true });
  });

  async function start(extra: Record<string, unknown> = {}): Promise<WorkspaceMonitor> {
    const m = await WorkspaceMonitor.start(
      {
        monitors: [ClawhipWorkspaceMonitorSchema.parse({ path: root, debounce_ms: 1000, ...extra })],
        defaultPollIntervalSecs: 5,
        now: () => clock,
        emit: async (event) => {
          events.push(event);
        },
        log: () => undefined,
      },
      false,
    );
    monitors.push(m);
    return m;
  }
  const put = async (rel: string, value: unknown) => {
    await mkdir(join(root, rel, ".."), { recursive: true });
    await writeFile(join(root, rel), typeof value === "string" ? value : JSON.stringify(value));
  };

  it("state present at start is the baseline; a change is reported once it has been still for debounce_ms", async () => {
    await put(".omx/state/hud-state.json", { turn_count: 1, last_turn_at: "t1", tool: "omx" });
    const m = await start();
    await m.pollOnce();
    expect(events).toEqual([]);

    await put(".omx/state/hud-state.json", { turn_count: 3, last_turn_at: "t3", tool: "omx" });
    await m.pollOnce();
    expect(events).toEqual([]);
    clock += 999;
    await m.pollOnce();
    expect(events).toEqual([]);
    clock += 1;
    await m.pollOnce();
    expect(events.map((e) => e.kind)).toEqual(["workspace.turn.complete"]);
    const event = events[0] as IncomingEvent;
    expect(payloadOf(event)).toMatchObject({
      turn_count: 3,
      turn_delta: 2,
      state_dir: join(root, ".omx/state"),
      state_file: "hud-state.json",
    });
    const name = root.split("/").at(-1);
    expect(renderEvent({ kind: event.kind, payload: payloadOf(event) }, "compact")).toBe(`omx:${name} · hud-state.json · turn 3 complete`);
  });

  it("a session file appearing and going away (omc family), and a half-written file kept until it parses", async () => {
    const m = await start();
    await put(".omc/state/session.json", { session_id: "s1", pid: 42 });
    await m.pollOnce();
    clock += 1000;
    await m.pollOnce();
    expect(events.map((e) => [e.kind, payloadOf(e).state_family, payloadOf(e).session_id])).toEqual([
      ["workspace.session.started", "omc", "s1"],
    ]);

    await put(".omc/state/session.json", '{"session_id": "s2"');
    await m.pollOnce();
    clock += 1000;
    await m.pollOnce();
    expect(events).toHaveLength(1);

    await rm(join(root, ".omc/state/session.json"));
    await m.pollOnce();
    clock += 1000;
    await m.pollOnce();
    expect(events.map((e) => e.kind)).toEqual(["workspace.session.started", "workspace.session.ended"]);
    expect(payloadOf(events[1])).toMatchObject({ session_id: "s1" });
  });

  it("discover_worktrees watches .claude/worktrees/<name>; events filters kinds", async () => {
    await mkdir(join(root, ".claude/worktrees/feat-84/.omx/state"), { recursive: true });
    const m = await start({ discover_worktrees: true, events: ["workspace.skill.*"] });
    await put(".claude/worktrees/feat-84/.omx/state/skill-active-state.json", { active: true, skill: "ralph" });
    await put(".claude/worktrees/feat-84/.omx/state/hud-state.json", { turn_count: 1 });
    await m.pollOnce();
    clock += 1000;
    await m.pollOnce();
    expect(events.map((e) => [e.kind, payloadOf(e).workspace_name, payloadOf(e).workspace_root])).toEqual([
      ["workspace.skill.activated", "feat-84", join(root, ".claude/worktrees/feat-84")],
    ]);
  });

  it("a failed emit is retried on the next look", async () => {
    let fail = true;
    const m = await WorkspaceMonitor.start(
      {
        monitors: [ClawhipWorkspaceMonitorSchema.parse({ path: root, debounce_ms: 1 })],
        defaultPollIntervalSecs: 5,
        now: () => clock,
        emit: async (event) => {
          if (fail) throw new Error("spool unavailable");
          events.push(event);
        },
        log: () => undefined,
      },
      false,
    );
    monitors.push(m);
    await put(".omx/state/team-state.json", { a: 1 });
    await m.pollOnce();
    clock += 1;
    await expect(m.pollOnce()).rejects.toThrow("spool unavailable");
    fail = false;
    await m.pollOnce();
    expect(events.map((e) => e.kind)).toEqual(["workspace.team.updated"]);
  });

  it("the poll interval is the shortest a monitor asks for, else [monitors].poll_interval_secs", async () => {
    expect((await start()).intervalMs).toBe(5000);
    expect((await start({ poll_interval_secs: 2 })).intervalMs).toBe(2000);
  });
});
