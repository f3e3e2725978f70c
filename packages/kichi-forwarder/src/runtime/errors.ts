/** Thrown for domain failures a tool reports as `success:false` with this message. */
export class KichiError extends Error {
  readonly extra: Record<string, unknown>;
  constructor(message: string, extra: Record<string, unknown> = {}) {
    super(message);
    this.extra = extra;
  }
}
