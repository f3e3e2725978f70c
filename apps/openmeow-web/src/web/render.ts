import type { OpenMeowLaneUIState } from "@clawbridge/openmeow-sdk/browser";

export interface LaneTurn {
  runId: string;
  prompt: string;
}

export interface LaneView {
  agentId: string;
  title: string;
  sessionKey: string;
  state: OpenMeowLaneUIState;
  turns: LaneTurn[];
  draftInput: string;
  notice?: string;
}

const ESCAPES: Record<string, string> = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" };

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ESCAPES[c] ?? c);
}

function turnHtml(view: LaneView, turn: LaneTurn): string {
  const { state } = view;
  const parts = [`<div class="message user" data-testid="user-message">${escapeHtml(turn.prompt)}</div>`];
  for (const tool of state.toolActivities) {
    if (tool.runId !== turn.runId) continue;
    parts.push(
      `<div class="card tool" data-testid="tool-card" data-phase="${escapeHtml(tool.phase)}"><strong>${escapeHtml(tool.title)}</strong>` +
        `<span class="phase">${escapeHtml(tool.phase)}</span>${tool.preview ? `<div>${escapeHtml(tool.preview)}</div>` : ""}</div>`,
    );
  }
  for (const approval of state.approvals) {
    if (approval.runId !== turn.runId) continue;
    const actions =
      approval.status === "requested"
        ? `<div class="actions"><button data-action="approve" data-approval="${escapeHtml(approval.id)}">Approve</button>` +
          `<button data-action="deny" data-approval="${escapeHtml(approval.id)}">Deny</button></div>`
        : "";
    const outcome = approval.status === "resolved" ? (state.approvalDecisions.get(approval.id) ?? "resolved") : "waiting for you";
    parts.push(
      `<div class="card approval" data-testid="approval-card" data-status="${approval.status}"><strong>Approval</strong>` +
        `<span class="phase" data-testid="approval-outcome">${escapeHtml(outcome)}</span><div>${escapeHtml(approval.title)}</div>${actions}</div>`,
    );
  }
  for (const message of state.messages) {
    if (message.runId === turn.runId) parts.push(`<div class="message" data-testid="assistant-message">${escapeHtml(message.text)}</div>`);
  }
  const draft = Object.hasOwn(state.assistantDrafts, turn.runId) ? state.assistantDrafts[turn.runId] : undefined;
  if (draft) parts.push(`<div class="message draft" data-testid="assistant-draft">${escapeHtml(draft)}</div>`);
  return parts.join("");
}

/** One lane as HTML: feed of turns, status line with badges, and the send-or-stop composer. Pure. */
export function renderLane(view: LaneView): string {
  const { composer } = view.state;
  const streaming = composer.mode !== "idle";
  const badges = [
    composer.mode === "cancelling" ? `<span class="badge" data-testid="cancelling">stopping…</span>` : "",
    composer.mode === "streaming" ? `<span class="badge" data-testid="streaming">streaming</span>` : "",
    composer.waitDeadlineExpired
      ? `<span class="badge deadline" data-testid="wait-deadline">wait deadline passed, still running</span>`
      : "",
    !streaming && composer.lastTerminalStatus
      ? `<span class="badge" data-testid="last-status">${escapeHtml(composer.lastTerminalStatus)}</span>`
      : "",
    view.notice ? `<span class="badge" data-testid="lane-notice">${escapeHtml(view.notice)}</span>` : "",
  ].join("");
  const button = streaming
    ? `<button class="stop" data-action="stop" data-testid="composer-button" ${composer.canStop ? "" : "disabled"}>Stop</button>`
    : `<button data-action="send" data-testid="composer-button" ${composer.canSend ? "" : "disabled"}>Send</button>`;
  return (
    `<header><strong>${escapeHtml(view.title)}</strong><span class="key" title="${escapeHtml(view.sessionKey)}">${escapeHtml(view.sessionKey)}</span></header>` +
    `<div class="feed">${view.turns.map((turn) => turnHtml(view, turn)).join("")}</div>` +
    `<div class="status">${badges}</div>` +
    `<form class="composer" data-action="compose"><input name="message" data-testid="composer-input" placeholder="Message ${escapeHtml(view.title)}" value="${escapeHtml(view.draftInput)}" ${streaming ? "disabled" : ""} />${button}</form>`
  );
}
