import type { ClawhipTargetState } from "@clawbridge/contracts";

/** The per-target limits every daemon applies to the shared state (from `[delivery]`). */
export interface GatePolicy {
  ratePerSec: number;
  burst: number;
  breakerThreshold: number;
  breakerCooldownMs: number;
}

export function initialTargetState(label: string): ClawhipTargetState {
  return { label, tat: 0, failures: 0, blocked_until: 0 };
}

/** What a lease asked of the shared state: tokens to spend now, or how long to wait for one. */
export type Lease = { granted: number; waitMs: 0; next: ClawhipTargetState } | { granted: 0; waitMs: number; next?: undefined };

/**
 * Takes up to `want` send tokens from a target's shared state, as a generic cell rate algorithm (GCRA):
 * `tat` is the time the target's rate would be used up to; a lease moves it forward by one interval per
 * token, and is refused while that would run more than `burst` intervals ahead of now. A blocked target
 * (open breaker, 429) grants nothing until `blocked_until`; once that passes with the breaker still
 * tripped, exactly one token is granted and the block re-armed, so one daemon probes (half-open) and the
 * others keep waiting for its answer. Pure.
 */
export function leaseTokens(state: ClawhipTargetState, now: number, want: number, policy: GatePolicy): Lease {
  if (state.blocked_until > now) return { granted: 0, waitMs: state.blocked_until - now };
  const interval = 1000 / policy.ratePerSec;
  const tolerance = policy.burst * interval;
  const from = Math.max(state.tat, now);
  const available = Math.floor((now + tolerance - from) / interval);
  if (available < 1) return { granted: 0, waitMs: Math.max(1, Math.ceil(from + interval - tolerance - now)) };
  const halfOpen = state.failures >= policy.breakerThreshold;
  const granted = halfOpen ? 1 : Math.min(Math.max(1, want), available);
  return {
    granted,
    waitMs: 0,
    next: {
      ...state,
      tat: from + granted * interval,
      blocked_until: halfOpen ? now + policy.breakerCooldownMs : state.blocked_until,
    },
  };
}

/** A 2xx: the breaker closes. Undefined when there is nothing to write (the common case). */
export function afterSuccess(state: ClawhipTargetState): ClawhipTargetState | undefined {
  if (state.failures === 0 && state.blocked_until === 0) return undefined;
  return { ...state, failures: 0, blocked_until: 0 };
}

/** A failed attempt (5xx, 408, network): one more consecutive failure; at the threshold the breaker opens. */
export function afterFailure(state: ClawhipTargetState, now: number, policy: GatePolicy): ClawhipTargetState {
  const failures = state.failures + 1;
  const blocked_until =
    failures >= policy.breakerThreshold ? Math.max(state.blocked_until, now + policy.breakerCooldownMs) : state.blocked_until;
  return { ...state, failures, blocked_until };
}

/**
 * A 429: the target asked every sender to wait. It answered, so it is up: the failure count restarts
 * (a half-open probe answered with a 429 closes the breaker) and only its wait holds the others back.
 */
export function afterRateLimited(state: ClawhipTargetState, now: number, waitMs: number): ClawhipTargetState {
  return { ...state, failures: 0, blocked_until: Math.max(now + waitMs, state.failures > 0 ? 0 : state.blocked_until) };
}

/**
 * How many tokens one daemon leases per round trip to the shared state: about a tenth of a second's
 * worth (at least one, at most the burst), so a fast target does not cost a KV write per delivery and a
 * slow one (Discord's 5/s) is still shared token by token.
 */
export function leaseSize(policy: Pick<GatePolicy, "ratePerSec" | "burst">): number {
  return Math.max(1, Math.min(policy.burst, Math.floor(policy.ratePerSec / 10)));
}
