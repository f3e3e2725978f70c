/** The canonical event names and how incoming names map onto them. */

export const SESSION_EVENTS = [
  "session.started",
  "session.blocked",
  "session.finished",
  "session.failed",
  "session.retry-needed",
  "session.pr-created",
  "session.test-started",
  "session.test-finished",
  "session.test-failed",
  "session.handoff-needed",
  // Upstream 0.6.x's provider-native kinds.
  "session.prompt-submitted",
  "session.prompt-delivered",
  "session.prompt-delivery-failed",
  "session.stopped",
] as const;

export const LEGACY_AGENT_EVENTS = ["agent.started", "agent.blocked", "agent.finished", "agent.failed"] as const;

const SIGNAL_TABLE: ReadonlyMap<string, string> = new Map(
  Object.entries({
    "session.started": ["session-start", "started", "session.started"],
    "session.blocked": ["session-idle", "blocked", "session.blocked", "session.idle", "question.requested"],
    "session.finished": ["session-end", "finished", "session.finished"],
    "session.failed": ["failed", "session.failed", "tool.failed", "pull-request.failed"],
    "session.retry-needed": ["retry-needed", "session.retry-needed"],
    "session.pr-created": ["pr-created", "session.pr-created", "pull-request.created"],
    "session.test-started": ["test-started", "session.test-started", "test.started"],
    "session.test-finished": ["test-finished", "session.test-finished", "test.finished"],
    "session.test-failed": ["test-failed", "session.test-failed", "test.failed"],
    "session.handoff-needed": ["handoff-needed", "session.handoff-needed"],
    "session.stopped": ["stop", "stopped", "session.stopped"],
    "session.prompt-submitted": [
      "userpromptsubmit",
      "user-prompt-submit",
      "user-prompt-submitted",
      "prompt-submitted",
      "prompt.submitted",
      "session.prompt-submitted",
    ],
    "session.prompt-delivered": ["prompt-delivered", "session.prompt-delivered", "first-prompt-delivered"],
    "session.prompt-delivery-failed": ["prompt-delivery-failed", "session.prompt-delivery-failed", "first-prompt-delivery-failed"],
  }).flatMap(([canonical, inputs]) => inputs.map((input) => [input, canonical] as const)),
);

/** OMC route keys, OMX normalized events and session names → canonical `session.*`, or undefined. */
export function mapNativeSignal(name: string): string | undefined {
  // Most names arrive already in canonical spelling: look them up before building a normalized copy.
  return SIGNAL_TABLE.get(name) ?? SIGNAL_TABLE.get(name.trim().replaceAll("_", "-").toLowerCase());
}

const SESSION_SET: ReadonlySet<string> = new Set(SESSION_EVENTS);
const AGENT_SET: ReadonlySet<string> = new Set(LEGACY_AGENT_EVENTS);

export function isSessionEvent(kind: string): boolean {
  return SESSION_SET.has(kind);
}

export function isLegacyAgentEvent(kind: string): boolean {
  return AGENT_SET.has(kind);
}

/**
 * Session kinds whose rendered status is the payload's `status` (or the kind's suffix with spaces): the
 * four lifecycle kinds and 0.6.x's prompt/stop kinds. The other session kinds show their suffix verbatim.
 */
const STATUS_LABELLED: ReadonlySet<string> = new Set([
  "session.started",
  "session.blocked",
  "session.finished",
  "session.failed",
  "session.prompt-submitted",
  "session.prompt-delivered",
  "session.prompt-delivery-failed",
  "session.stopped",
]);

export function rendersPayloadStatus(kind: string): boolean {
  return STATUS_LABELLED.has(kind);
}

/** `started|blocked|finished|failed` of the four lifecycle kinds (agent.* and session.*). */
export function lifecycleSuffix(kind: string): string | undefined {
  const dot = kind.indexOf(".");
  const family = kind.slice(0, dot);
  const suffix = kind.slice(dot + 1);
  if ((family === "agent" || family === "session") && ["started", "blocked", "finished", "failed"].includes(suffix)) return suffix;
  return undefined;
}

/** The status a kind implies when the payload carries none. */
export function statusForKind(kind: string): string | undefined {
  const lifecycle = lifecycleSuffix(kind);
  if (lifecycle) return lifecycle;
  return isSessionEvent(kind) ? kind.slice("session.".length) : undefined;
}

export type ClawhipPriority = "critical" | "high" | "normal" | "low";

/** Upstream's `priority_for`; a pull request that was merged or closed is high, other status changes normal. */
export function priorityFor(kind: string, payload?: Record<string, unknown>): ClawhipPriority {
  switch (kind) {
    case "github.ci-failed":
    case "agent.failed":
    case "session.failed":
    case "session.test-failed":
    case "session.prompt-delivery-failed":
      return "critical";
    case "agent.blocked":
    case "session.blocked":
    case "session.retry-needed":
    case "session.handoff-needed":
    case "session.stopped":
    case "tmux.stale":
    case "workspace.session.blocked":
    case "github.release-published":
    case "github.release-prereleased":
      return "high";
    case "github.pr-status-changed":
      return payload?.new_status === "merged" || payload?.new_status === "closed" ? "high" : "normal";
    case "custom":
      return "low";
    default:
      return "normal";
  }
}
