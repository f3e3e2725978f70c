import type { RunStatus } from "./types.js";

const CANCEL_WORDS = new Set(["aborted", "cancelled", "canceled", "killed"]);
const CANCEL_STOP_REASONS = new Set(["aborted", "cancelled", "canceled", "killed", "rpc", "user"]);

/**
 * Maps an `agent.wait` payload to a run status. A bare `{status:"timeout"}` is the wait deadline
 * (the run is still live: `accepted`); a timeout carrying terminal metadata is the runtime timeout.
 */
export function runStatusFromWaitPayload(payload: Record<string, unknown>): RunStatus {
  const status = typeof payload.status === "string" ? payload.status.toLowerCase() : "";
  const stopReason = typeof payload.stopReason === "string" ? payload.stopReason.toLowerCase() : "";
  if (CANCEL_WORDS.has(status) || CANCEL_STOP_REASONS.has(stopReason) || (payload.aborted === true && stopReason === "stop")) {
    return "cancelled";
  }
  if (status === "ok" || status === "completed" || status === "succeeded") return "completed";
  if (status === "timeout") {
    const terminal =
      stopReason === "timeout" ||
      stopReason === "timed_out" ||
      payload.aborted === true ||
      ["endedAt", "error", "stopReason", "livenessState", "yielded"].some((k) => payload[k] !== undefined);
    return terminal ? "timed_out" : "accepted";
  }
  if (status === "timed_out") return "timed_out";
  if (status === "accepted" || status === "pending") return "accepted";
  return "failed";
}
