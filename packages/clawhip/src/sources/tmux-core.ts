import type {
  ClawhipTmuxKeywordPayload,
  ClawhipTmuxRegistration,
  ClawhipTmuxSessionMonitor,
  ClawhipTmuxStalePayload,
} from "@clawbridge/contracts";
import type { IncomingEvent } from "../normalize/incoming.js";
import { globMatch } from "../route/glob.js";

/** Lines the clawhip launchers themselves print: a keyword in them is not the agent's output. */
const LAUNCHER_NOISE = [
  "clawhip emit agent.started",
  "clawhip emit agent.finished",
  "clawhip emit agent.failed",
  "function else>",
  "registered_at=",
  "parent_pid=",
  "parent_name=",
  '--error "exit $exit_code"',
];

export interface KeywordHit {
  keyword: string;
  line: string;
}

/** A capture's lines without the blank rows below the output (tmux prints the whole pane height). */
function outputLines(capture: string): string[] {
  const lines = capture.split("\n");
  while (lines.length > 0 && (lines.at(-1) as string).trim() === "") lines.pop();
  return lines;
}

/**
 * The lines `current` adds after `previous`. While the capture still starts at the same top line, the
 * new lines are what follows the common beginning (the prompt line the two share is re-read, which is
 * harmless: it is the command typed). Once the capture has scrolled, the longest suffix of the old
 * capture that is a prefix of the new one is skipped, as upstream does.
 */
export function appendedLines(previous: string, current: string): string[] {
  const before = outputLines(previous);
  const after = outputLines(current);
  let common = 0;
  while (common < before.length && common < after.length && before[common] === after[common]) common += 1;
  if (common > 0) return after.slice(common);
  for (let overlap = Math.min(before.length, after.length); overlap >= 0; overlap -= 1) {
    let same = true;
    for (let i = 0; i < overlap && same; i += 1) same = before[before.length - overlap + i] === after[i];
    if (same) return after.slice(overlap);
  }
  return after;
}

/** Keywords (case-insensitive) in the new lines, each keyword/line pair once. */
export function collectKeywordHits(previous: string, current: string, keywords: readonly string[]): KeywordHit[] {
  if (keywords.length === 0) return [];
  const hits: KeywordHit[] = [];
  const seen = new Set<string>();
  for (const line of appendedLines(previous, current)) {
    if (LAUNCHER_NOISE.some((noise) => line.trim().includes(noise))) continue;
    const lower = line.toLowerCase();
    for (const keyword of keywords) {
      const key = `${keyword}\u0000${line}`;
      if (lower.includes(keyword.toLowerCase()) && !seen.has(key)) {
        seen.add(key);
        hits.push({ keyword, line });
      }
    }
  }
  return hits;
}

/** The last line with text, what a stale report quotes. */
export function lastNonEmptyLine(content: string): string {
  return (
    content
      .split("\n")
      .reverse()
      .find((line) => line.trim() !== "") ?? "<no output>"
  );
}

export interface PaneSnapshot {
  paneId: string;
  session: string;
  /** `window.pane`, as stale reports name the pane. */
  paneName: string;
  dead: boolean;
  content: string;
}

interface PaneState {
  session: string;
  paneName: string;
  content: string;
  dead: boolean;
  lastChangeMs: number;
  lastStaleMs: number | undefined;
}

interface PendingHits {
  startedMs: number;
  hits: KeywordHit[];
  seen: Set<string>;
}

function eventFor(
  registration: ClawhipTmuxRegistration,
  kind: string,
  payload: ClawhipTmuxKeywordPayload | ClawhipTmuxStalePayload,
): IncomingEvent {
  const event: IncomingEvent = { kind, payload };
  if (registration.channel) event.channel = registration.channel;
  if (registration.mention) event.mention = registration.mention;
  if (registration.format) event.format = registration.format;
  return event;
}

/**
 * What the tmux monitor knows between polls, and the decisions it makes from each poll: new keyword
 * hits (collected for the registration's window, then sent as one event) and panes gone quiet (one
 * report per stale period). Pure: the caller brings the snapshots and the time.
 */
export class TmuxWatchState {
  readonly #panes = new Map<string, PaneState>();
  readonly #pending = new Map<string, PendingHits>();

  /** Takes one poll of a session's panes; returns the events it decides on. */
  observe(registration: ClawhipTmuxRegistration, panes: readonly PaneSnapshot[], nowMs: number): IncomingEvent[] {
    const events = this.#flush(registration, nowMs, false);
    const live = new Set<string>();
    for (const pane of panes) {
      const key = `${registration.session}::${pane.paneId}`;
      live.add(key);
      const known = this.#panes.get(key);
      if (known === undefined) {
        this.#panes.set(key, {
          session: pane.session,
          paneName: pane.paneName,
          content: pane.content,
          dead: pane.dead,
          lastChangeMs: nowMs,
          lastStaleMs: undefined,
        });
        continue;
      }
      known.dead = pane.dead;
      if (known.content !== pane.content) {
        this.#push(registration.session, collectKeywordHits(known.content, pane.content, registration.keywords), nowMs);
        Object.assign(known, { paneName: pane.paneName, content: pane.content, lastChangeMs: nowMs, lastStaleMs: undefined });
      } else if (this.#isStale(known, nowMs, registration.stale_minutes)) {
        known.lastStaleMs = nowMs;
        const payload: ClawhipTmuxStalePayload = {
          session: known.session,
          pane: known.paneName,
          minutes: registration.stale_minutes,
          last_line: lastNonEmptyLine(known.content),
        };
        events.push(eventFor(registration, "tmux.stale", payload));
      }
    }
    for (const key of this.#panes.keys()) if (key.startsWith(`${registration.session}::`) && !live.has(key)) this.#panes.delete(key);
    return events;
  }

  /** The session is gone: what is still pending is sent now, and its panes are forgotten. */
  end(registration: ClawhipTmuxRegistration, nowMs: number): IncomingEvent[] {
    const events = this.#flush(registration, nowMs, true);
    for (const key of [...this.#panes.keys()]) if (key.startsWith(`${registration.session}::`)) this.#panes.delete(key);
    return events;
  }

  #isStale(pane: PaneState, nowMs: number, staleMinutes: number): boolean {
    if (staleMinutes === 0 || pane.dead) return false;
    const period = staleMinutes * 60_000;
    return nowMs - pane.lastChangeMs >= period && (pane.lastStaleMs === undefined || nowMs - pane.lastStaleMs >= period);
  }

  #push(session: string, hits: KeywordHit[], nowMs: number): void {
    if (hits.length === 0) return;
    let pending = this.#pending.get(session);
    if (pending === undefined) {
      pending = { startedMs: nowMs, hits: [], seen: new Set() };
      this.#pending.set(session, pending);
    }
    for (const hit of hits) {
      const key = `${hit.keyword}\u0000${hit.line}`;
      if (!pending.seen.has(key)) {
        pending.seen.add(key);
        pending.hits.push(hit);
      }
    }
  }

  #flush(registration: ClawhipTmuxRegistration, nowMs: number, force: boolean): IncomingEvent[] {
    const pending = this.#pending.get(registration.session);
    if (pending === undefined) return [];
    if (!force && nowMs - pending.startedMs < registration.keyword_window_secs * 1000) return [];
    this.#pending.delete(registration.session);
    const [first, ...rest] = pending.hits;
    if (first === undefined) return [];
    const payload: ClawhipTmuxKeywordPayload = { session: registration.session, keyword: first.keyword, line: first.line };
    if (rest.length > 0) {
      payload.hit_count = pending.hits.length;
      payload.hits = pending.hits;
    }
    return [eventFor(registration, "tmux.keyword", payload)];
  }
}

/** How precisely a configured session pattern names a session: an exact name, then more literal characters, then fewer `*`. */
function specificity(pattern: string): [number, number, number] {
  const stars = [...pattern].filter((c) => c === "*").length;
  return [stars === 0 ? 1 : 0, pattern.length - stars, -stars];
}

function outranks(a: [number, number, number], b: [number, number, number]): boolean {
  for (let i = 0; i < a.length; i += 1) if (a[i] !== b[i]) return (a[i] as number) > (b[i] as number);
  return false;
}

/**
 * `[[monitors.tmux.sessions]]` → the registrations they make of the live sessions: a pattern with `*`
 * watches each session it matches, the most specific monitor winning an overlap (an earlier one wins a
 * tie). An exact name is watched even when the session list is unavailable or lacks it (the poll then
 * finds it gone); a pattern matching nothing watches nothing.
 */
export function resolveConfiguredSessions(
  monitors: readonly ClawhipTmuxSessionMonitor[],
  available: ReadonlySet<string> | undefined,
  registeredAt: string,
): Map<string, ClawhipTmuxRegistration> {
  const chosen = new Map<string, { rank: [number, number, number]; registration: ClawhipTmuxRegistration }>();
  for (const monitor of monitors) {
    const rank = specificity(monitor.session);
    const matched = [...(available ?? [])].filter((session) => globMatch(monitor.session, session)).sort();
    const sessions = matched.length > 0 ? matched : monitor.session.includes("*") ? [] : [monitor.session];
    for (const session of sessions) {
      const known = chosen.get(session);
      if (known !== undefined && !outranks(rank, known.rank)) continue;
      const registration: ClawhipTmuxRegistration = {
        session,
        keywords: monitor.keywords,
        keyword_window_secs: monitor.keyword_window_secs,
        stale_minutes: monitor.stale_minutes,
        registered_at: registeredAt,
      };
      if (monitor.channel) registration.channel = monitor.channel;
      if (monitor.mention) registration.mention = monitor.mention;
      if (monitor.format) registration.format = monitor.format;
      chosen.set(session, { rank, registration });
    }
  }
  return new Map([...chosen].map(([session, { registration }]) => [session, registration]));
}
