import { randomUUID } from "node:crypto";
import type { GatewayApprovalDecision } from "@clawbridge/contracts";
import { errorMessage } from "../../tool-result.js";
import type { GatewayHostPort } from "./host-port.js";
import { planScriptedRun, replyDeltas, type ScriptStep } from "./script.js";

export type Sleep = (ms: number, signal: AbortSignal) => Promise<void>;

export const abortableSleep: Sleep = (ms, signal) =>
  new Promise<void>((resolve, reject) => {
    if (signal.aborted) return reject(signal.reason);
    const timer = setTimeout(() => {
      signal.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal.reason);
    };
    signal.addEventListener("abort", onAbort, { once: true });
  });

/** An event the runs emit; the server fans it out to the connections allowed to see it. */
export interface RunEvent {
  event: "agent" | "chat" | "exec.approval.requested" | "exec.approval.resolved" | "sessions.changed";
  payload: Record<string, unknown>;
  /** Tool streams only go to connections that asked for `caps:["tool-events"]`. */
  needsCap?: "tool-events";
  needsScope?: string;
}

export interface WaitOutcome {
  runId: string;
  status: "ok" | "error" | "timeout";
  [key: string]: unknown;
}

interface Session {
  key: string;
  agentId: string;
  sessionId: string;
  label?: string;
  activeRunId?: string;
}

interface Run {
  runId: string;
  session: Session;
  message: string;
  startedAt: number;
  seq: number;
  controller: AbortController;
  outcome?: WaitOutcome;
  waiters: Set<(outcome: WaitOutcome) => void>;
}

interface PendingApproval {
  runId: string;
  resolve: (decision: GatewayApprovalDecision) => void;
}

class RunTimedOut extends Error {}

export interface RunRegistryOptions {
  deltaIntervalMs?: number;
  sleep?: Sleep;
  now?: () => number;
}

/** Sessions, runs and approvals of the local gateway, and the scripted agent that drives each run. */
export class RunRegistry {
  readonly #host: GatewayHostPort;
  readonly #emit: (event: RunEvent) => void;
  readonly #sessions = new Map<string, Session>();
  readonly #runs = new Map<string, Run>();
  readonly #approvals = new Map<string, PendingApproval>();
  readonly #sleep: Sleep;
  readonly #now: () => number;
  readonly #deltaIntervalMs: number;

  constructor(host: GatewayHostPort, emit: (event: RunEvent) => void, options: RunRegistryOptions = {}) {
    this.#host = host;
    this.#emit = emit;
    this.#sleep = options.sleep ?? abortableSleep;
    this.#now = options.now ?? Date.now;
    this.#deltaIntervalMs = options.deltaIntervalMs ?? 20;
  }

  /** A known session, or one implied by an `agent:<known id>:…` key. */
  session(key: string): Session | undefined {
    const existing = this.#sessions.get(key);
    if (existing) return existing;
    const agentId = /^agent:([^:]+):./.exec(key)?.[1];
    if (!agentId || !this.#host.agents.includes(agentId)) return undefined;
    return this.createSession({ key, agentId });
  }

  createSession(params: { key?: string; agentId: string; label?: string }): Session {
    const key = params.key ?? `agent:${params.agentId}:dashboard:${randomUUID()}`;
    const session: Session = { key, agentId: params.agentId, sessionId: randomUUID() };
    if (params.label) session.label = params.label;
    this.#sessions.set(key, session);
    this.#emit({ event: "sessions.changed", payload: { sessionKey: key, agentId: params.agentId, reason: "create" } });
    return session;
  }

  /** Starts a run in a session; throws when the session already has one. */
  start(session: Session, message: string, runId: string = randomUUID()): Run {
    if (session.activeRunId) throw new Error(`session ${session.key} already has an active run (${session.activeRunId})`);
    if (this.#runs.has(runId)) throw new Error(`run ${runId} already exists`);
    const run: Run = { runId, session, message, startedAt: this.#now(), seq: 0, controller: new AbortController(), waiters: new Set() };
    this.#runs.set(runId, run);
    session.activeRunId = runId;
    queueMicrotask(() => void this.#execute(run));
    return run;
  }

  #agentEvent(run: Run, stream: string, data: Record<string, unknown>, needsCap?: "tool-events"): void {
    run.seq += 1;
    // Only the protocol's AgentEvent fields: the gateway's agent events carry no session or agent id.
    const payload = { runId: run.runId, seq: run.seq, stream, ts: this.#now(), isHeartbeat: false, data };
    this.#emit(needsCap ? { event: "agent", payload, needsCap } : { event: "agent", payload });
  }

  /** A chat event; with `text`, the assistant message so far (the gateway's `message`). */
  #chatEvent(run: Run, state: string, extra: Record<string, unknown> = {}, text?: string): void {
    const payload: Record<string, unknown> = {
      runId: run.runId,
      sessionKey: run.session.key,
      agentId: run.session.agentId,
      seq: run.seq,
      state,
      ...extra,
    };
    if (text !== undefined) payload.message = { role: "assistant", content: [{ type: "text", text }], timestamp: this.#now() };
    this.#emit({ event: "chat", payload });
  }

  async #execute(run: Run): Promise<void> {
    const signal = run.controller.signal;
    this.#agentEvent(run, "lifecycle", { phase: "start", startedAt: run.startedAt });
    // What the run has streamed so far, kept on the run so a stop can report the partial message.
    const streamed = { text: "" };
    try {
      const tools = this.#host.describeTools({ agentId: run.session.agentId, sessionKey: run.session.key }).map((t) => t.name);
      for (const step of planScriptedRun(run.message, tools).steps) {
        if (signal.aborted) throw signal.reason;
        await this.#step(run, step, streamed);
      }
      // `agent.wait` carries the reply as the gateway does (`terminalReply`): a client that lost the
      // stream recovers the full text from it.
      this.#finish(
        run,
        { phase: "end", stopReason: "stop", aborted: false, startedAt: run.startedAt },
        { status: "ok", terminalReply: { disposition: "visible", text: streamed.text } },
      );
      this.#chatEvent(run, "final", { stopReason: "stop" }, streamed.text);
    } catch (error) {
      if (signal.aborted) {
        // As the gateway ends a run stopped by `sessions.abort`: the lifecycle says cancelled, and
        // `agent.wait` reports an error whose stop reason is the RPC.
        // The gateway says `aborted` in the chat stream before the lifecycle ends.
        this.#chatEvent(run, "aborted", { stopReason: "rpc" }, streamed.text);
        this.#finish(
          run,
          { phase: "end", status: "cancelled", aborted: true, stopReason: "rpc", startedAt: run.startedAt },
          { status: "error", error: "aborted", stopReason: "rpc" },
        );
      } else if (error instanceof RunTimedOut) {
        const timeout = { status: "timeout", stopReason: "timeout", timeoutPhase: "provider", providerStarted: true };
        this.#finish(run, { phase: "end", ...timeout }, { ...timeout, status: "timeout", error: "run timed out" });
        this.#chatEvent(run, "error", { errorMessage: "run timed out" });
      } else {
        const message = errorMessage(error);
        this.#finish(run, { phase: "error", error: message }, { status: "error", error: message });
        this.#chatEvent(run, "error", { errorMessage: message });
      }
    }
  }

  async #step(run: Run, step: ScriptStep, streamed: { text: string }): Promise<void> {
    const signal = run.controller.signal;
    switch (step.kind) {
      case "tool": {
        // The gateway's shape of a tool call: an `item` opens it, the `tool` stream carries its
        // arguments and result, and the `item` closes it with the outcome.
        const toolCallId = `call-${run.runId}-${run.seq + 1}`;
        const item = { itemId: `tool:${toolCallId}`, toolCallId, name: step.name, kind: "tool", title: step.name };
        const startedAt = this.#now();
        this.#agentEvent(run, "item", { ...item, phase: "start", status: "running", startedAt }, "tool-events");
        this.#agentEvent(run, "tool", { phase: "start", name: step.name, toolCallId, args: step.args }, "tool-events");
        const outcome = await this.#host.invokeTool(step.name, step.args, { agentId: run.session.agentId, sessionKey: run.session.key });
        if (signal.aborted) throw signal.reason;
        const ok = outcome.body.ok;
        const result = ok ? outcome.body.result : outcome.body.error;
        this.#agentEvent(run, "tool", { phase: "result", name: step.name, toolCallId, isError: !ok, result }, "tool-events");
        this.#agentEvent(
          run,
          "item",
          { ...item, phase: "end", status: ok ? "completed" : "failed", startedAt, endedAt: this.#now() },
          "tool-events",
        );
        return;
      }
      case "approval": {
        const approvalId = `approval-${randomUUID()}`;
        const request = { approvalId, id: approvalId, runId: run.runId, sessionKey: run.session.key, commandText: step.commandText };
        const decision = new Promise<GatewayApprovalDecision>((resolve, reject) => {
          this.#approvals.set(approvalId, { runId: run.runId, resolve });
          signal.addEventListener("abort", () => reject(signal.reason), { once: true });
        });
        this.#emit({ event: "exec.approval.requested", payload: request, needsScope: "operator.approvals" });
        let decided: GatewayApprovalDecision | "expired" = "expired";
        try {
          decided = await decision;
        } finally {
          this.#approvals.delete(approvalId);
          const resolved = { approvalId, id: approvalId, runId: run.runId, decision: decided };
          this.#emit({ event: "exec.approval.resolved", payload: resolved, needsScope: "operator.approvals" });
        }
        this.#delta(run, streamed, decided === "deny" ? `Approval denied; skipped: ${step.commandText}. ` : "Approved. ");
        return;
      }
      case "reply": {
        const turn = await this.#host.runAgentTurn({ message: run.message, agentId: run.session.agentId, sessionKey: run.session.key });
        const reply = turn.payloads.map((p) => p.text).join("\n");
        for (const delta of replyDeltas(Array.from({ length: step.repeat }, () => reply).join(" "))) {
          await this.#sleep(this.#deltaIntervalMs, signal);
          this.#delta(run, streamed, delta);
        }
        return;
      }
      case "runtime-timeout":
        throw new RunTimedOut("run timed out");
    }
  }

  /** Streams a piece of the reply: the assistant text so far with its delta, and the chat delta. */
  #delta(run: Run, streamed: { text: string }, delta: string): void {
    streamed.text += delta;
    this.#agentEvent(run, "assistant", { text: streamed.text, delta });
    this.#chatEvent(run, "delta", { deltaText: delta }, streamed.text);
  }

  #finish(run: Run, lifecycle: Record<string, unknown>, outcome: { status: WaitOutcome["status"]; [key: string]: unknown }): void {
    const endedAt = this.#now();
    this.#agentEvent(run, "lifecycle", { ...lifecycle, endedAt });
    run.outcome = { ...outcome, runId: run.runId, endedAt };
    if (run.session.activeRunId === run.runId) delete run.session.activeRunId;
    for (const waiter of run.waiters) waiter(run.outcome);
    run.waiters.clear();
  }

  /** `agent.wait`: the terminal outcome, or a bare `{status:"timeout"}` when the deadline passes first. */
  wait(runId: string, timeoutMs: number): Promise<WaitOutcome> {
    const run = this.#runs.get(runId);
    if (run?.outcome) return Promise.resolve(run.outcome);
    return new Promise((resolve) => {
      const deadline = new AbortController();
      const waiter = (outcome: WaitOutcome) => {
        deadline.abort();
        resolve(outcome);
      };
      run?.waiters.add(waiter);
      this.#sleep(timeoutMs, deadline.signal).then(
        () => {
          run?.waiters.delete(waiter);
          resolve({ runId, status: "timeout" });
        },
        () => {},
      );
    });
  }

  /** `sessions.abort`: aborts the named run or the session's active run. */
  abort(params: { key?: string; runId?: string }): { ok: true; abortedRunId: string | null; status: "aborted" | "no-active-run" } {
    const runId = params.runId ?? (params.key ? this.#sessions.get(params.key)?.activeRunId : undefined);
    const run = runId ? this.#runs.get(runId) : undefined;
    if (!run || run.outcome || (params.key && run.session.key !== params.key))
      return { ok: true, abortedRunId: null, status: "no-active-run" };
    run.controller.abort(new Error("aborted by sessions.abort"));
    return { ok: true, abortedRunId: run.runId, status: "aborted" };
  }

  /** `exec.approval.resolve`: false when no approval with that id is pending. */
  resolveApproval(id: string, decision: GatewayApprovalDecision): boolean {
    const pending = this.#approvals.get(id);
    if (!pending) return false;
    pending.resolve(decision);
    return true;
  }

  /** Aborts every active run (the host is stopping). */
  close(): void {
    for (const run of this.#runs.values()) if (!run.outcome) run.controller.abort(new Error("gateway stopping"));
  }
}
