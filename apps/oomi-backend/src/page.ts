import type { OomiInviteRecord, OomiPersonaJob } from "@clawbridge/contracts";
import type { BackendState } from "./store.js";

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** A job's row: a failed job says why (the code and message its executor reported). */
function jobCells(job: OomiPersonaJob): string[] {
  return [
    job.jobId,
    job.jobType,
    job.slug,
    job.status,
    job.completedAt ?? "—",
    job.failure ? `${job.failure.code}: ${job.failure.message}` : "—",
  ];
}

/** The page an invite link opens: which device and session it connects, until it expires. */
export function renderInvitePage(invite: OomiInviteRecord): string {
  const rows = [
    ["device", invite.deviceId],
    ["session key", invite.sessionKey],
    ["created", invite.createdAt],
    ["expires", invite.expiresAt],
  ]
    .map(([label, value]) => `<tr><th>${escapeHtml(label ?? "")}</th><td>${escapeHtml(value ?? "")}</td></tr>`)
    .join("\n");
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Oomi invite</title>
<style>body{font:14px system-ui,sans-serif;margin:2rem}table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:.3rem .6rem;text-align:left}</style>
</head><body>
<h1>Oomi Connect invite</h1>
<p>This local backend stands in for the Oomi app: the invite is valid, and connects this session to the paired OpenClaw device.</p>
<table>
${rows}
</table>
</body></html>
`;
}

/** The read-only overview at `/`: every persona with its lifecycle, runtime and last heartbeat, the jobs, and the chat both ways. */
export function renderPersonaPage(store: BackendState): string {
  const personas = [...store.personas.values()].sort((a, b) => a.slug.localeCompare(b.slug));
  const rows = personas
    .map((p) => {
      const runtime = p.runtime;
      const cells = [
        p.slug,
        p.name,
        p.lifecycle,
        runtime?.endpoint ?? "—",
        runtime?.healthcheckUrl ?? "—",
        runtime?.lastHeartbeatAt ?? "—",
        p.failure ? `${p.failure.code}: ${p.failure.message}` : "—",
      ];
      return `<tr>${cells.map((c) => `<td>${escapeHtml(c)}</td>`).join("")}</tr>`;
    })
    .join("\n");
  const jobs = [...store.jobs.values()]
    .map(
      (j) =>
        `<tr>${jobCells(j)
          .map((c) => `<td>${escapeHtml(c)}</td>`)
          .join("")}</tr>`,
    )
    .join("\n");
  const chat = [
    ...store.messages
      .filter((m) => m.message.metadata.type === "chat")
      .map((m) => ({
        at: m.message.createdAt ?? "",
        conversation: m.message.conversationKey ?? "",
        from: m.message.userId ?? "user",
        text: m.message.content ?? "",
        state: m.state,
      })),
    ...store.outbox.map((m) => ({
      at: m.receivedAt,
      conversation: m.conversationKey,
      from: "agent",
      text: m.content,
      state: m.correlationId ? `reply to ${m.correlationId}` : "sent",
    })),
  ].sort((a, b) => a.conversation.localeCompare(b.conversation) || a.at.localeCompare(b.at));
  const chatRows = chat
    .map((c) => `<tr>${[c.conversation, c.at, c.from, c.text, c.state].map((v) => `<td>${escapeHtml(v)}</td>`).join("")}</tr>`)
    .join("\n");
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Oomi local backend</title>
<style>body{font:14px system-ui,sans-serif;margin:2rem}table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:.3rem .6rem;text-align:left}</style>
</head><body>
<h1>Oomi local backend</h1>
<h2>Personas (${personas.length})</h2>
<table><thead><tr><th>slug</th><th>name</th><th>lifecycle</th><th>endpoint</th><th>healthcheck</th><th>last heartbeat</th><th>failure</th></tr></thead>
<tbody>
${rows || '<tr><td colspan="7">no personas yet</td></tr>'}
</tbody></table>
<h2>Persona jobs</h2>
<table><thead><tr><th>job</th><th>type</th><th>slug</th><th>status</th><th>completed</th><th>failure</th></tr></thead>
<tbody>
${jobs || '<tr><td colspan="6">no jobs yet</td></tr>'}
</tbody></table>
<h2>Conversation (${chat.length})</h2>
<table><thead><tr><th>conversation</th><th>at</th><th>from</th><th>message</th><th>state</th></tr></thead>
<tbody>
${chatRows || '<tr><td colspan="5">no chat yet</td></tr>'}
</tbody></table>
</body></html>
`;
}
