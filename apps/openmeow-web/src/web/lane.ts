import {
  initialOpenMeowUIState,
  markOpenMeowRunCancelling,
  normalizeOpenMeowWaitResult,
  type OpenMeowLaneUIState,
  type OpenMeowSDKClient,
  openMeowRunStartedEvent,
  reduceOpenMeowCancelResult,
  reduceOpenMeowUIState,
} from "@clawbridge/openmeow-sdk/browser";
import type { LaneTurn, LaneView } from "./render.js";

/** One agent lane: its session, its reduced UI state, and the actions its buttons trigger. */
export class Lane {
  readonly agentId: string;
  readonly title: string;
  readonly sessionKey: string;
  readonly turns: LaneTurn[] = [];
  state: OpenMeowLaneUIState;
  notice: string | undefined;
  readonly #client: OpenMeowSDKClient;
  readonly #waitMs: number;
  readonly #changed: () => void;

  constructor(
    client: OpenMeowSDKClient,
    init: { agentId: string; title: string; sessionKey: string; waitMs: number; onChange: () => void },
  ) {
    this.#client = client;
    this.agentId = init.agentId;
    this.title = init.title;
    this.sessionKey = init.sessionKey;
    this.#waitMs = init.waitMs;
    this.#changed = init.onChange;
    this.state = initialOpenMeowUIState({ sessionKey: init.sessionKey });
  }

  view(draftInput: string): LaneView {
    const view: LaneView = {
      agentId: this.agentId,
      title: this.title,
      sessionKey: this.sessionKey,
      state: this.state,
      turns: this.turns,
      draftInput,
    };
    if (this.notice) view.notice = this.notice;
    return view;
  }

  #fail(error: unknown): void {
    this.notice = (error as Error)?.message ?? String(error);
    this.#changed();
  }

  async send(message: string): Promise<void> {
    if (!this.state.composer.canSend || message.trim() === "") return;
    this.notice = undefined;
    let run: { runId: string; sessionKey: string };
    try {
      run = await this.#client.send(this.sessionKey, message);
    } catch (error) {
      this.#fail(error);
      return;
    }
    this.turns.push({ runId: run.runId, prompt: message });
    this.state = reduceOpenMeowUIState(this.state, openMeowRunStartedEvent(run));
    this.#changed();
    void this.#watchDeadline(run.runId);
    try {
      for await (const event of this.#client.events(run.runId)) {
        this.state = reduceOpenMeowUIState(this.state, event);
        this.#changed();
      }
    } catch (error) {
      this.#fail(error);
    }
  }

  /** One bounded wait: when it returns `accepted` the run outlived the deadline and the badge shows. */
  async #watchDeadline(runId: string): Promise<void> {
    try {
      const result = normalizeOpenMeowWaitResult(await this.#client.wait(runId, this.#waitMs));
      if (result.kind === "wait_deadline" && this.state.composer.activeRun?.runId === runId) {
        this.state = reduceOpenMeowUIState(this.state, { ...result, runId });
        this.#changed();
      }
    } catch {
      // The event stream reports a dropped connection; the wait only drives the badge.
    }
  }

  async stop(): Promise<void> {
    const run = this.state.composer.activeRun;
    if (!run || !this.state.composer.canStop) return;
    this.state = { ...this.state, composer: markOpenMeowRunCancelling(this.state.composer) };
    this.#changed();
    try {
      const answer = await this.#client.cancel(run.runId, run.sessionKey);
      this.state = reduceOpenMeowCancelResult(this.state, run, answer);
    } catch (error) {
      this.state = reduceOpenMeowCancelResult(this.state, run, { ok: false });
      this.notice = (error as Error).message;
    }
    this.#changed();
  }

  async respond(approvalId: string, decision: "allow-once" | "deny"): Promise<void> {
    try {
      await this.#client.respondApproval(approvalId, decision);
    } catch (error) {
      this.#fail(error);
    }
  }
}
