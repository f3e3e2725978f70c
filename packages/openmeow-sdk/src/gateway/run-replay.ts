import { GatewayChatEventPayloadSchema } from "@clawbridge/contracts/gateway";
import { type OpenClawEvent, TERMINAL_EVENT_TYPES } from "./types.js";

export const RUN_REPLAY_MAX_RUNS = 100;
export const RUN_REPLAY_MAX_EVENTS = 500;

type Listener = (event: OpenClawEvent | null) => void;

interface RunLog {
  events: OpenClawEvent[];
  listeners: Set<Listener>;
  sawAssistant: boolean;
  terminal: boolean;
  chatText: string;
  sessionKey?: string;
  /** The assistant text of the run's latest chat frame that carried its message. */
  messageText?: string;
  /** Set while the connection was lost: the run's end waits for `settle` to supply the full text. */
  recovering: boolean;
  /** A terminal event that arrived while recovering, released by `settle`. */
  heldTerminal?: OpenClawEvent;
}

/** The text of a chat frame's `message` (`{content:[{type:"text",text}]}`), when it has one. */
function chatMessageText(payload: unknown): string | undefined {
  const content = (payload as { message?: { content?: unknown } } | undefined)?.message?.content;
  if (!Array.isArray(content)) return undefined;
  const texts = content.flatMap((part) => (part && typeof part === "object" && typeof part.text === "string" ? [part.text as string] : []));
  return texts.length > 0 ? texts.join("") : undefined;
}

/**
 * Per-run event replay: every event of a run is kept (bounded), so a subscriber that arrives after
 * `send` still sees the run from its first lifecycle event. A subscriber is registered before the
 * snapshot is yielded, so live events queue behind the replay and none is lost or repeated.
 */
export class RunReplay {
  readonly #runs = new Map<string, RunLog>();
  #closed = false;

  #log(runId: string): RunLog {
    let log = this.#runs.get(runId);
    if (!log) {
      log = { events: [], listeners: new Set(), sawAssistant: false, terminal: false, chatText: "", recovering: false };
      this.#runs.set(runId, log);
      if (this.#runs.size > RUN_REPLAY_MAX_RUNS) {
        for (const [id, old] of this.#runs) {
          if (old.listeners.size === 0) {
            this.#runs.delete(id);
            break;
          }
        }
      }
    }
    return log;
  }

  /**
   * Records a normalized event (and projects `chat` frames when no canonical event covers them). A run
   * ends at its first terminal event: anything after it is not part of the run's stream.
   */
  record(event: OpenClawEvent): void {
    if (!event.runId) return;
    const log = this.#log(event.runId);
    if (event.sessionKey) log.sessionKey = event.sessionKey;
    if (event.raw?.event === "chat") log.messageText = chatMessageText(event.raw.payload) ?? log.messageText;
    if (log.terminal) return;
    const projected = event.raw?.event === "chat" ? this.#projectChat(log, event) : event;
    if (!projected) return;
    if (projected === event && (event.type === "assistant.delta" || event.type === "assistant.message")) log.sawAssistant = true;
    if (TERMINAL_EVENT_TYPES.has(projected.type) && log.recovering) {
      log.heldTerminal ??= projected;
      return;
    }
    this.#append(log, projected);
  }

  #append(log: RunLog, projected: OpenClawEvent): void {
    if (TERMINAL_EVENT_TYPES.has(projected.type)) log.terminal = true;
    log.events.push(projected);
    if (log.events.length > RUN_REPLAY_MAX_EVENTS) log.events.shift();
    for (const listener of log.listeners) listener(projected);
  }

  #projectChat(log: RunLog, event: OpenClawEvent): OpenClawEvent | undefined {
    const parsed = GatewayChatEventPayloadSchema.safeParse(event.raw?.payload);
    if (!parsed.success) return undefined;
    const chat = parsed.data;
    if (chat.state === "delta" && !log.sawAssistant && chat.deltaText) {
      log.chatText += chat.deltaText;
      return { ...event, id: `${event.id}:chat-delta`, type: "assistant.delta", data: { text: log.chatText, delta: chat.deltaText } };
    }
    if (chat.state === "final" && !log.sawAssistant) {
      return {
        ...event,
        id: `${event.id}:chat-final`,
        type: "run.completed",
        data: { phase: "end", outputText: log.chatText || undefined },
      };
    }
    return undefined;
  }

  /** Events of one run: the replay, then live events, ending after the terminal event or on close. */
  async *events(runId: string): AsyncGenerator<OpenClawEvent> {
    const log = this.#log(runId);
    const queue: Array<OpenClawEvent | null> = [];
    let wake: (() => void) | undefined;
    const listener: Listener = (event) => {
      queue.push(event);
      wake?.();
    };
    const snapshot = [...log.events];
    const done = log.terminal || this.#closed;
    if (!done) log.listeners.add(listener);
    try {
      for (const event of snapshot) yield event;
      if (done) return;
      for (;;) {
        while (queue.length === 0) await new Promise<void>((resolve) => (wake = resolve));
        wake = undefined;
        const next = queue.shift();
        if (!next) return;
        yield next;
        if (TERMINAL_EVENT_TYPES.has(next.type)) return;
      }
    } finally {
      log.listeners.delete(listener);
    }
  }

  /**
   * The runs someone is still following (an open subscription, no terminal event yet), marked as
   * recovering: after a lost connection their end is held until `settle` gives their full text.
   */
  followedForRecovery(): Array<{ runId: string; sessionKey?: string }> {
    const followed: Array<{ runId: string; sessionKey?: string }> = [];
    for (const [runId, log] of this.#runs) {
      if (log.terminal || log.listeners.size === 0) continue;
      log.recovering = true;
      followed.push(log.sessionKey ? { runId, sessionKey: log.sessionKey } : { runId });
    }
    return followed;
  }

  /** The assistant text the run's chat frames last carried in full (a final or a delta's `message`). */
  messageText(runId: string): string | undefined {
    return this.#runs.get(runId)?.messageText;
  }

  /**
   * Ends a recovered run: its full text as an `assistant.message` (replacing a draft that missed
   * deltas), then the terminal event that arrived meanwhile, else `terminal` (from `agent.wait`).
   */
  settle(runId: string, text: string | undefined, terminal: OpenClawEvent | undefined): void {
    const log = this.#runs.get(runId);
    if (!log || log.terminal) return;
    const end = log.heldTerminal ?? terminal;
    if (!end) return;
    log.recovering = false;
    delete log.heldTerminal;
    if (text) {
      this.#append(log, { version: 1, id: `${end.id}:recovered-text`, ts: end.ts, type: "assistant.message", runId, data: { text } });
    }
    this.#append(log, end);
  }

  /** Ends every open subscription (the connection is gone). */
  close(): void {
    this.#closed = true;
    for (const log of this.#runs.values()) for (const listener of log.listeners) listener(null);
  }

  reopen(): void {
    this.#closed = false;
  }
}
