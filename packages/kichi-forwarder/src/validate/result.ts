/** The outcome of a pure validation: the normalised value, or an error text meant for the agent. */
export type Validation<T> = { ok: true; value: T } | { ok: false; error: string; details?: Record<string, unknown> };

export const valid = <T>(value: T): Validation<T> => ({ ok: true, value });

export const invalid = <T = never>(error: string, details?: Record<string, unknown>): Validation<T> =>
  details ? { ok: false, error, details } : { ok: false, error };
