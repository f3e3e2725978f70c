import WebSocket from "ws";

/** A frame the server sent, as parsed JSON. */
export type Frame = Record<string, unknown> & { type: string };

/** The messages of a session: each must trigger the same behaviour in LocalHost's script and the demo model. */
export const SESSION_MESSAGES = {
  /** A plain turn. */
  reply: "hello from the side-by-side test",
  /** LocalHost calls its first tool on `tool`; the demo model on `call tool <name>`. */
  tool: "call tool clawbridge_status",
  /** LocalHost streams long on `long`; the demo model takes that many seconds. */
  long: "a long answer please, take 30 seconds",
} as const;

export interface RecordedCall {
  method: string;
  response: Frame;
}

export interface RecordedSession {
  /** Every frame the server sent, in order. */
  frames: Frame[];
  calls: RecordedCall[];
  runs: { reply: string; tool: string; long: string };
}

/**
 * A raw WebSocket client that records every frame a gateway sends and answers in order: the same
 * scripted call sequence is run against LocalHost and against the real gateway, so their frames
 * can be validated and compared. Waits are on frames (bounded by `timeoutMs`), never on time.
 */
export class RecordingClient {
  readonly frames: Frame[] = [];
  readonly #socket: WebSocket;
  readonly #waiters = new Set<() => void>();
  #next = 0;

  private constructor(socket: WebSocket) {
    this.#socket = socket;
    socket.on("message", (data) => {
      this.frames.push(JSON.parse(String(data)) as Frame);
      for (const wake of this.#waiters) wake();
    });
    socket.on("close", () => {
      for (const wake of this.#waiters) wake();
    });
  }

  static async open(url: string): Promise<RecordingClient> {
    const socket = new WebSocket(url);
    const client = new RecordingClient(socket);
    await new Promise<void>((resolve, reject) => {
      socket.once("open", () => resolve());
      socket.once("error", reject);
    });
    return client;
  }

  /** Resolves with the first recorded frame (from `from` on) that matches, or rejects after `timeoutMs`. */
  async until(match: (frame: Frame) => boolean, timeoutMs = 120_000, from = 0): Promise<Frame> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = this.frames.slice(from).find(match);
      if (found) return found;
      if (this.#socket.readyState !== WebSocket.OPEN) throw new Error("the gateway closed the socket");
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`no matching frame within ${timeoutMs} ms`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        const wake = () => {
          clearTimeout(timer);
          this.#waiters.delete(wake);
          resolve();
        };
        this.#waiters.add(wake);
      });
    }
  }

  async call(method: string, params: unknown, timeoutMs = 120_000): Promise<Frame> {
    this.#next += 1;
    const id = `side-${this.#next}`;
    this.#socket.send(JSON.stringify({ type: "req", id, method, params }));
    return this.until((frame) => frame.type === "res" && frame.id === id, timeoutMs);
  }

  close(): void {
    this.#socket.close();
  }
}

const payloadOf = (frame: Frame) => (frame.payload ?? {}) as Record<string, unknown>;

/** The run's terminal chat frame (final, aborted or error). */
const runEnded = (runId: string) => (frame: Frame) =>
  frame.type === "event" &&
  frame.event === "chat" &&
  payloadOf(frame).runId === runId &&
  ["final", "aborted", "error"].includes(String(payloadOf(frame).state));

/**
 * The scripted session: connect, agents, identity, a lane, its tools, a tool call, then three runs
 * (a reply, a tool-calling turn, a long run stopped mid-stream by `sessions.abort`) each followed by
 * `agent.wait`, and an unknown method. Returns every frame and each call's response.
 */
export async function runScriptedSession(url: string, token: string): Promise<RecordedSession> {
  const client = await RecordingClient.open(url);
  const calls: RecordedCall[] = [];
  const call = async (method: string, params: unknown) => {
    const response = await client.call(method, params);
    calls.push({ method, response });
    return response;
  };
  try {
    await client.until((frame) => frame.type === "event" && frame.event === "connect.challenge");
    const hello = await call("connect", {
      minProtocol: 4,
      maxProtocol: 4,
      client: { id: "gateway-client", version: "1.0.0", platform: "node", mode: "backend" },
      role: "operator",
      scopes: ["operator.read", "operator.write", "operator.approvals"],
      caps: ["tool-events"],
      auth: { token },
    });
    if (!hello.ok) throw new Error(`connect refused: ${JSON.stringify(hello.error)}`);
    await call("agents.list", {});
    await call("agent.identity.get", { agentId: "main" });
    const created = await call("sessions.create", { agentId: "main", label: "side by side" });
    const key = String(payloadOf(created).key);
    await call("tools.effective", { sessionKey: key });
    await call("tools.invoke", { name: "clawbridge_status", args: { echo: "side" }, sessionKey: key });

    const turn = async (message: string, idempotencyKey: string) => {
      const sent = await call("sessions.send", { key, message, idempotencyKey });
      const runId = String(payloadOf(sent).runId);
      await client.until(runEnded(runId));
      await call("agent.wait", { runId, timeoutMs: 30_000 });
      return runId;
    };
    const reply = await turn(SESSION_MESSAGES.reply, "side-reply");
    const tool = await turn(SESSION_MESSAGES.tool, "side-tool");

    const mark = client.frames.length;
    const sent = await call("sessions.send", { key, message: SESSION_MESSAGES.long, idempotencyKey: "side-long" });
    const long = String(payloadOf(sent).runId);
    await client.until(
      (frame) =>
        frame.type === "event" && frame.event === "agent" && payloadOf(frame).runId === long && payloadOf(frame).stream === "assistant",
      120_000,
      mark,
    );
    await call("sessions.abort", { key, runId: long });
    await client.until(runEnded(long));
    await call("agent.wait", { runId: long, timeoutMs: 30_000 });
    await call("no.such.method", {});
    return { frames: client.frames, calls, runs: { reply, tool, long } };
  } finally {
    client.close();
  }
}

/** The protocol schema each frame LocalHost sends is checked against (by frame kind and method). */
export const FRAME_SCHEMAS = [
  "EventFrameSchema",
  "ResponseFrameSchema",
  "ErrorShapeSchema",
  "HelloOkSchema",
  "AgentEventSchema",
  "ChatEventSchema",
  "AgentsListResultSchema",
  "AgentIdentityResultSchema",
  "SessionsCreateResultSchema",
] as const;

const RESULT_SCHEMAS: Readonly<Record<string, string>> = {
  connect: "HelloOkSchema",
  "agents.list": "AgentsListResultSchema",
  "agent.identity.get": "AgentIdentityResultSchema",
  "sessions.create": "SessionsCreateResultSchema",
};

const EVENT_SCHEMAS: Readonly<Record<string, string>> = { agent: "AgentEventSchema", chat: "ChatEventSchema" };

/**
 * The schema checks of one frame: its envelope, then its payload where the package ships a schema for
 * it (a response by the method that asked for it, an event by its name, an error by the error shape).
 */
export function frameChecks(frame: Frame, methodOf: (id: string) => string | undefined): Array<{ schema: string; value: unknown }> {
  if (frame.type === "event") {
    const checks: Array<{ schema: string; value: unknown }> = [{ schema: "EventFrameSchema", value: frame }];
    const schema = EVENT_SCHEMAS[String(frame.event)];
    if (schema) checks.push({ schema, value: frame.payload });
    return checks;
  }
  const checks: Array<{ schema: string; value: unknown }> = [{ schema: "ResponseFrameSchema", value: frame }];
  if (frame.ok === false) checks.push({ schema: "ErrorShapeSchema", value: frame.error });
  const method = methodOf(String(frame.id));
  const schema = method ? RESULT_SCHEMAS[method] : undefined;
  if (frame.ok === true && schema) checks.push({ schema, value: frame.payload });
  return checks;
}

/** Keys whose values are ids or times: removed before two gateways' frames are compared. */
const VOLATILE_KEYS: ReadonlySet<string> = new Set([
  "id",
  "runId",
  "key",
  "sessionKey",
  "sessionId",
  "connId",
  "nonce",
  "ts",
  "seq",
  "timestamp",
  "startedAt",
  "endedAt",
  "uptimeMs",
  "durationMs",
  "toolCallId",
  "itemId",
  "abortedRunId",
]);

/** Keys whose values are the protocol's words (states, phases, codes): compared as they are. */
const WORD_KEYS: ReadonlySet<string> = new Set([
  "type",
  "event",
  "stream",
  "state",
  "phase",
  "status",
  "stopReason",
  "source",
  "role",
  "code",
  "kind",
]);

/**
 * A frame with ids and timestamps removed and free values reduced to their type, so what is left is
 * the shape and the protocol's words: `{status:"ok", endedAt:1, text:"hi"}` → `{status:"ok", text:"<string>"}`.
 */
export function comparable(value: unknown, key = ""): unknown {
  if (Array.isArray(value)) return value.map((item) => comparable(item));
  if (value && typeof value === "object") {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) if (!VOLATILE_KEYS.has(k)) out[k] = comparable(v, k);
    return out;
  }
  if (typeof value === "string") return WORD_KEYS.has(key) ? value : "<string>";
  if (typeof value === "number") return "<number>";
  return value;
}

/**
 * Where `local` says something `real` does not: a key `real` lacks, a different word, a different
 * type. An array element of `local` must match some element of `real`. Empty when `local` is a
 * subset of `real` (LocalHost may omit what it has no source for, never add or contradict).
 */
export function differences(local: unknown, real: unknown, path = "$"): string[] {
  if (Array.isArray(local)) {
    if (!Array.isArray(real)) return [`${path}: array here, ${typeof real} in the real gateway`];
    return local.flatMap((item, index) =>
      real.some((candidate) => differences(item, candidate).length === 0)
        ? []
        : [`${path}[${index}]: no element of the real gateway's array matches ${JSON.stringify(item).slice(0, 200)}`],
    );
  }
  if (local && typeof local === "object") {
    if (!real || typeof real !== "object" || Array.isArray(real)) return [`${path}: object here, not in the real gateway`];
    return Object.entries(local).flatMap(([k, v]) =>
      k in real ? differences(v, (real as Record<string, unknown>)[k], `${path}.${k}`) : [`${path}.${k}: the real gateway has no such key`],
    );
  }
  return local === real ? [] : [`${path}: ${JSON.stringify(local)} here, ${JSON.stringify(real)} in the real gateway`];
}

/** A run's events as kinds (`agent:lifecycle:end:cancelled`, `chat:final`), repeats collapsed. */
export function runKinds(frames: Frame[], runId: string): string[] {
  const kinds: string[] = [];
  for (const frame of frames) {
    const payload = payloadOf(frame);
    if (frame.type !== "event" || payload.runId !== runId) continue;
    const data = (payload.data ?? {}) as Record<string, unknown>;
    const kind = [frame.event, payload.stream ?? payload.state, data.phase, data.status].filter((part) => part !== undefined).join(":");
    if (kinds.at(-1) !== kind) kinds.push(kind);
  }
  return kinds;
}

/** Whether `part` appears in `whole` in order (other items may sit between). */
export function isSubsequence(part: readonly string[], whole: readonly string[]): boolean {
  let at = 0;
  for (const item of whole) if (item === part[at]) at += 1;
  return at === part.length;
}
