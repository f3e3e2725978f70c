import type { OpenClawEvent } from "../gateway/types.js";

/**
 * A synthetic `run.started` built from a send result, so the composer shows Stop at once, before the
 * first gateway event arrives. It carries no `raw` frame: it is the client's, not the gateway's.
 */
export function openMeowRunStartedEvent(send: { runId: string; sessionKey: string }, ts = Date.now()): OpenClawEvent {
  return {
    version: 1,
    id: `seed:${send.runId}`,
    ts,
    type: "run.started",
    runId: send.runId,
    sessionKey: send.sessionKey,
    data: { phase: "start", seeded: true },
  };
}
