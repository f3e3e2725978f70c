/**
 * A rejected ingress body: the HTTP status the daemon answers and a message that names the problem.
 * 422 = well-formed JSON that is not an event (upstream's serde/axum data error), 400 = a body that
 * decodes but fails the event contract.
 */
export class IngressError extends Error {
  constructor(
    readonly status: 400 | 422,
    message: string,
  ) {
    super(message);
    this.name = "IngressError";
  }
}
