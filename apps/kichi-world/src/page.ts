import type { KichiWorld } from "./world.js";

const escapeHtml = (text: string) =>
  text.replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c] ?? c);

/** The read-only room page: who is in the room and what they are doing, props, notes. Refreshes itself. */
export function renderRoomPage(snapshot: ReturnType<KichiWorld["snapshot"]>): string {
  const people = snapshot.personnel
    .map(
      (p) =>
        `<tr><td>${escapeHtml(p.botName)}</td><td><code>${escapeHtml(p.avatarId)}</code></td><td>${escapeHtml(p.poseType)} / ${escapeHtml(p.action)}</td><td>${escapeHtml(p.bubble)}</td><td>${escapeHtml(p.propId ?? "")}</td></tr>`,
    )
    .join("");
  const props = snapshot.props
    .map(
      (p) =>
        `<tr><td><code>${escapeHtml(p.PropId)}</code></td><td>${escapeHtml(p.DisplayName)}</td><td>${escapeHtml(p.SupportedPoseTypes.join(", "))}</td><td>${escapeHtml(p.OccupancyState)}</td></tr>`,
    )
    .join("");
  const notes = snapshot.notes
    .map((n) => `<li><b>${escapeHtml(n.authorName)}</b>: ${escapeHtml(n.content)} <small>${escapeHtml(n.createdAtUtc)}</small></li>`)
    .join("");
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta http-equiv="refresh" content="3"><title>Kichi World (local)</title>
<style>body{font-family:system-ui,sans-serif;margin:2rem;max-width:60rem}table{border-collapse:collapse;width:100%}td,th{border-bottom:1px solid #ddd;padding:.3rem .5rem;text-align:left}</style>
</head><body>
<h1>Kichi World (local)</h1>
<h2>In the room (${snapshot.personnel.length})</h2>
${people ? `<table><tr><th>Bot</th><th>Avatar</th><th>Pose / action</th><th>Bubble</th><th>Prop</th></tr>${people}</table>` : "<p>Nobody is in the room.</p>"}
<h2>Props</h2>
<table><tr><th>Prop</th><th>Name</th><th>Poses</th><th>Occupancy</th></tr>${props}</table>
<h2>Notes board</h2>
${notes ? `<ul>${notes}</ul>` : "<p>No notes yet.</p>"}
</body></html>
`;
}
