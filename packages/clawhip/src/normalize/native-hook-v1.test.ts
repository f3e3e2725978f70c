import { ClawhipNativeHookBodySchema } from "@clawbridge/contracts";
import { pick, seededRandom } from "@clawbridge/plugin-host/testing";
import { describe, expect, it } from "vitest";
import { acceptIngress, type IngressSurface } from "../ingress/accept.js";
import { renderEvent } from "../render/render-event.js";
import { defaultConfig } from "../route/config-file.js";
import { priorityFor } from "./kinds.js";

const env = { now: () => "2026-04-12T00:00:00.000Z", uuid: () => "00000000-0000-4000-8000-0000000000b1" };

/**
 * One case per behaviour upstream 0.6.7 asserts in its own tests (named in `upstream`); bodies and
 * expectations are written here from those assertions, not from what this code produces.
 */
interface Case {
  name: string;
  upstream: string;
  surface?: IngressSurface;
  body: unknown;
  kind?: string;
  fields?: Record<string, unknown>;
  absent?: string[];
  compact?: string;
  inline?: string;
  priority?: string;
  error?: string;
}

const shared = (event: string, provider: string, kind: string): Case => ({
  name: `${event} from ${provider} is ${kind}`,
  upstream: "native_hooks.rs maps_all_shared_hook_events",
  body: {
    provider,
    directory: "/repo/clawhip",
    event_name: event,
    event_payload: { tool_name: "Bash", tool_input: { command: "echo hi" } },
  },
  kind,
  fields: { provider, repo_name: "clawhip", tool: provider, agent_name: provider },
});

const CASES: Case[] = [
  shared("SessionStart", "codex", "session.started"),
  shared("PreToolUse", "codex", "tool.pre"),
  shared("PostToolUse", "claude-code", "tool.post"),
  shared("UserPromptSubmit", "claude-code", "session.prompt-submitted"),
  shared("Stop", "codex", "session.stopped"),
  {
    name: "project metadata in the body sets project id and name and is kept",
    upstream: "native_hooks.rs loads_project_metadata_from_project_json",
    body: {
      provider: "codex",
      directory: "/tmp/x",
      event_name: "SessionStart",
      project_metadata: { id: "clawhip-core", name: "clawhip", repo_name: "clawhip" },
      event_payload: {},
    },
    kind: "session.started",
    fields: { project_id: "clawhip-core", project_name: "clawhip", project: "clawhip", repo_name: "clawhip" },
  },
  {
    name: "augmentation adds summary and context but cannot replace the base repo_name",
    upstream: "native_hooks.rs augmentation_can_add_context_without_overriding_base_fields",
    body: {
      provider: "claude-code",
      directory: "/repo/clawhip",
      event_name: "SessionStart",
      augmentation: {
        summary: "extra setup context",
        context: { repo_name: "should-not-replace-base", recent_issue: 163 },
        frontmatter: { owner: "worker-2" },
      },
      event_payload: {},
    },
    kind: "session.started",
    fields: {
      repo_name: "clawhip",
      summary: "extra setup context",
      message_context: { repo_name: "should-not-replace-base", recent_issue: 163 },
      frontmatter: { owner: "worker-2" },
    },
  },
  {
    name: "tmux pane fields are kept, typed",
    upstream: "native_hooks.rs preserves_tmux_metadata_from_native_payloads",
    body: {
      provider: "codex",
      directory: "/repo/clawhip",
      event_name: "SessionStart",
      tmux_session: "omx-clawhip-dev",
      tmux_window: "3",
      tmux_pane: "%17",
      tmux_pane_tty: "/dev/pts/5",
      tmux_attached: true,
      tmux_client_count: 2,
      event_payload: {},
    },
    kind: "session.started",
    fields: {
      tmux_session: "omx-clawhip-dev",
      tmux_window: "3",
      tmux_pane: "%17",
      tmux_pane_tty: "/dev/pts/5",
      tmux_attached: true,
      tmux_client_count: 2,
    },
  },
  {
    name: "a repo_name that is the worktree's leaf becomes the repository's name",
    upstream: "native_hooks.rs canonicalizes_repo_name_when_payload_uses_worktree_leaf",
    body: {
      provider: "codex",
      event_name: "UserPromptSubmit",
      repo_name: "launch-fix-native-hook-malfunction",
      repo_path: "/mnt/work/clawhip",
      worktree_path: "/mnt/work/clawhip.omx-worktrees/launch-fix-native-hook-malfunction",
      event_payload: {},
    },
    kind: "session.prompt-submitted",
    fields: { repo_name: "clawhip", worktree_path: "/mnt/work/clawhip.omx-worktrees/launch-fix-native-hook-malfunction" },
  },
  {
    name: "Stop lifts the last prompt's context, and its summary becomes the event's",
    upstream: "native_hooks.rs stop_event_payload_surfaces_stop_context_summary",
    body: {
      provider: "claude-code",
      directory: "/repo/clawhip",
      event_name: "Stop",
      stop_context: {
        last_prompt_at: "2026-04-10T12:34:56Z",
        last_prompt_summary: "wire up event provenance for issue 188",
        last_turn_id: "turn-99",
      },
    },
    kind: "session.stopped",
    fields: {
      last_prompt_summary: "wire up event provenance for issue 188",
      last_prompt_at: "2026-04-10T12:34:56Z",
      last_turn_id: "turn-99",
      summary: "wire up event provenance for issue 188",
      stop_context: {
        last_prompt_at: "2026-04-10T12:34:56Z",
        last_prompt_summary: "wire up event provenance for issue 188",
        last_turn_id: "turn-99",
      },
    },
    priority: "high",
  },
  {
    name: "Stop without stop context invents no summary",
    upstream: "native_hooks.rs stop_event_without_stop_context_does_not_invent_summary",
    body: { provider: "claude-code", directory: "/repo/clawhip", event_name: "Stop" },
    kind: "session.stopped",
    absent: ["stop_context", "last_prompt_summary", "summary"],
  },
  {
    name: "an augmentation summary wins over the stop context's, which is still exposed",
    upstream: "native_hooks.rs stop_event_respects_preexisting_summary_over_stop_context",
    body: {
      provider: "claude-code",
      directory: "/repo/clawhip",
      event_name: "Stop",
      stop_context: { last_prompt_summary: "older prompt" },
      augmentation: { summary: "explicit override" },
    },
    kind: "session.stopped",
    fields: { summary: "explicit override", last_prompt_summary: "older prompt" },
  },
  {
    name: "a Codex SessionStart takes its session id from event_payload",
    upstream: "daemon.rs post_native_hook_accepts_codex_payload_and_queues_normalized_event",
    body: {
      provider: "codex",
      event_name: "SessionStart",
      directory: "/tmp/clawhip",
      cwd: "/tmp/clawhip",
      event_payload: { session_id: "sess-65", cwd: "/tmp/clawhip" },
    },
    kind: "session.started",
    fields: { tool: "codex", session_id: "sess-65", event_id: env.uuid() },
    compact: "codex sess-65 started (repo=clawhip)",
  },
  {
    name: "a hook outside the shared five is refused",
    upstream: "daemon.rs post_native_hook_rejects_unsupported_event",
    body: { provider: "claude-code", event_name: "Notification", directory: "/repo/clawhip", event_payload: {} },
    error: "unsupported native hook event 'Notification'",
  },
  {
    name: "a hook without a name is refused",
    upstream: "native_hooks.rs incoming_event_from_native_hook_json (missing event name)",
    body: { provider: "codex", directory: "/repo/clawhip" },
    error: "missing native hook event name",
  },
  {
    name: "a hook without a provider is from provider unknown",
    upstream: "native_hooks.rs incoming_event_from_native_hook_json (provider default)",
    body: { event_name: "SessionStart", directory: "/repo/clawhip" },
    kind: "session.started",
    fields: { provider: "unknown", tool: "unknown" },
  },
  {
    name: "the v0.5.5 surface also takes a hook without a provider, as provider unknown",
    upstream: "v0.5.5 native_hooks.rs incoming_event_from_native_hook_json (provider default)",
    surface: "native-hook",
    body: { event_name: "SessionStart", directory: "/repo/clawhip" },
    kind: "session.started",
    fields: { tool: "unknown" },
  },
  ...(
    [
      ["prompt-submitted", {}, "session.prompt-submitted", "prompt-submitted"],
      ["prompt-delivered", {}, "session.prompt-delivered", "prompt-delivered"],
      ["prompt-delivery-failed", {}, "session.prompt-delivery-failed", "prompt-delivery-failed"],
      ["stopped", {}, "session.stopped", "stopped"],
      ["user-prompt-submit", {}, "session.prompt-submitted", "prompt-submitted"],
      ["notify", { normalized_event: "prompt-delivered" }, "session.prompt-delivered", "prompt-delivered"],
      ["notify", { route_key: "first-prompt-delivery-failed" }, "session.prompt-delivery-failed", "prompt-delivery-failed"],
      ["stop", {}, "session.stopped", "stopped"],
    ] as const
  ).map(
    ([type, extra, kind, status]): Case => ({
      name: `/event ${type}${Object.keys(extra).length ? ` with ${JSON.stringify(extra)}` : ""} is ${kind}`,
      upstream: "events.rs canonical_kind_maps_prompt_lifecycle_aliases / normalize_event_maps_native_prompt_and_stop_signals",
      surface: "event",
      body: { type, payload: { tool: "codex", ...extra } },
      kind,
      fields: { status },
    }),
  ),
  {
    name: "tmux fields of an /event are kept and name the session",
    upstream: "events.rs normalize_event_preserves_tmux_pane_metadata_in_payload_and_template_context",
    surface: "event",
    body: {
      type: "session-start",
      payload: {
        tool: "codex",
        tmux_session: "issue-180",
        tmux_window: "2",
        tmux_pane: "%11",
        tmux_pane_tty: "/dev/pts/42",
        tmux_attached: false,
        tmux_client_count: 0,
      },
    },
    kind: "session.started",
    fields: {
      session_name: "issue-180",
      tmux_session: "issue-180",
      tmux_window: "2",
      tmux_pane: "%11",
      tmux_pane_tty: "/dev/pts/42",
      tmux_attached: false,
      tmux_client_count: 0,
    },
  },
  {
    name: "a failed prompt delivery is critical",
    upstream: "event/compat.rs priority_for",
    surface: "event",
    body: { type: "prompt-delivery-failed", payload: { tool: "omx" } },
    kind: "session.prompt-delivery-failed",
    priority: "critical",
  },
];

describe("provider-native hooks, upstream 0.6.x contract (POST /api/native/v1/hook)", () => {
  it.each(CASES.map((c) => [c.name, c] as const))("%s", (_name, c) => {
    const outcome = acceptIngress(c.surface ?? "native-hook-v1", c.body, defaultConfig(), env);
    if (c.error !== undefined) {
      expect(outcome).toMatchObject({ ok: false, status: 400, body: { ok: false, error: c.error } });
      return;
    }
    if (!outcome.ok) throw new Error(`refused: ${outcome.body.error}`);
    const { event } = outcome;
    expect(event.kind).toBe(c.kind);
    expect(outcome.body.type).toBe(c.kind);
    if (c.fields) expect(event.payload).toMatchObject(c.fields);
    for (const key of c.absent ?? []) expect(event.payload).not.toHaveProperty(key);
    if (c.compact !== undefined) expect(renderEvent(event, "compact")).toBe(c.compact);
    if (c.inline !== undefined) expect(renderEvent(event, "inline")).toBe(c.inline);
    if (c.priority !== undefined) expect(priorityFor(event.kind)).toBe(c.priority);
  });

  it("session rendering shows the tmux pane (upstream render/default.rs renders_session_events_with_tmux_metadata)", () => {
    const event = {
      kind: "session.started",
      payload: {
        tool: "codex",
        session_name: "issue-180",
        repo_name: "clawhip",
        tmux_session: "issue-180",
        tmux_window: "2",
        tmux_pane: "%11",
        tmux_pane_tty: "/dev/pts/42",
        tmux_attached: false,
        tmux_client_count: 0,
      },
    };
    expect(renderEvent(event, "compact")).toBe(
      "codex issue-180 started (repo=clawhip, tmux=issue-180:2:%11, pane_tty=/dev/pts/42, clients=0, detached)",
    );
    expect(renderEvent(event, "inline")).toBe(
      "[codex issue-180] started · clawhip · tmux issue-180:2:%11 · /dev/pts/42 · 0 clients · detached",
    );
  });

  it("a body field of the wrong type is a 400 that names the field", () => {
    const outcome = acceptIngress(
      "native-hook-v1",
      { provider: "codex", event_name: "Stop", stop_context: "yesterday" },
      defaultConfig(),
      env,
    );
    expect(outcome).toMatchObject({ ok: false, status: 400 });
    expect(outcome.ok || outcome.body.error).toMatch(/^invalid native hook body: stop_context: /);
  });

  it("a body is refused exactly when the body schema refuses it (seeded bodies of right and wrong field types)", () => {
    const random = seededRandom(20261129);
    const keys = [...Object.keys(ClawhipNativeHookBodySchema.shape), "extra", "__proto__"];
    const values: unknown[] = ["x", "", 3, -1, true, null, [], ["a"], {}, { name: "p", id: 7 }, { last_prompt_summary: 5 }];
    let refused = 0;
    for (let i = 0; i < 3000; i += 1) {
      const body: Record<string, unknown> = { event_name: "Stop" };
      for (let n = Math.floor(random() * 4); n > 0; n -= 1) {
        Object.defineProperty(body, pick(random, keys), { value: pick(random, values), enumerable: true, writable: true });
      }
      if (body.event_name !== "Stop") body.event_name = "Stop";
      const parsed = ClawhipNativeHookBodySchema.safeParse(body);
      const outcome = acceptIngress("native-hook-v1", body, defaultConfig(), env);
      if (parsed.success) expect(outcome.ok || outcome.body.error).toBe(true);
      else {
        refused += 1;
        const issue = parsed.error.issues[0];
        expect(outcome).toMatchObject({
          ok: false,
          status: 400,
          body: { error: `invalid native hook body: ${issue?.path.join(".") || "body"}: ${issue?.message}` },
        });
      }
    }
    expect(refused).toBeGreaterThan(500);
  });

  it("prototype keys as hook names or ids are plain unknown names or values", () => {
    for (const key of ["__proto__", "constructor", "toString"]) {
      const named = acceptIngress("native-hook-v1", { provider: "codex", event_name: key }, defaultConfig(), env);
      expect(named).toMatchObject({ ok: false, status: 400, body: { error: `unsupported native hook event '${key}'` } });
      const id = acceptIngress(
        "native-hook-v1",
        JSON.parse(`{"event_name":"Stop","session_id":"${key}","${key}":"x"}`),
        defaultConfig(),
        env,
      );
      expect(id.ok && id.event.payload.session_id).toBe(key);
    }
  });

  it("the v0.5.5 surface keeps its own contract: Stop is session.finished, tool hooks are refused", () => {
    expect(acceptIngress("native-hook", { provider: "codex", event_name: "Stop" }, defaultConfig(), env)).toMatchObject({
      ok: true,
      body: { type: "session.finished" },
    });
    expect(acceptIngress("native-hook", { provider: "codex", event_name: "PreToolUse" }, defaultConfig(), env)).toMatchObject({
      ok: false,
      status: 400,
    });
  });
});
