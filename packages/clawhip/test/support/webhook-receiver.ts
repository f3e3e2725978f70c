import { EventEmitter } from "node:events";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";

export interface ReceivedRequest {
  method: string;
  path: string;
  headers: Record<string, string | string[] | undefined>;
  body: any;
}

export interface Reply {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
}

/**
 * A local HTTP server standing in for Discord or Slack: records every request and answers with
 * whatever `respond` decides (status, JSON body, headers), so tests can script 429s, 5xx bursts and
 * outages against the real delivery code.
 */
export class WebhookReceiver {
  readonly requests: ReceivedRequest[] = [];
  /**
   * The answer to a request. A promise holds the answer back: the request is recorded (the chat
   * service has shown it) while the sender still waits, which is how a test puts a delivery in flight.
   */
  respond: (request: ReceivedRequest, index: number) => Reply | Promise<Reply> = () => ({ status: 204 });
  readonly #events = new EventEmitter();
  #server: Server | undefined;
  #port = 0;

  get port(): number {
    return this.#port;
  }

  get url(): string {
    return `http://127.0.0.1:${this.#port}`;
  }

  /** Requests answered with 2xx: what the chat service would have shown. */
  get delivered(): ReceivedRequest[] {
    return this.requests.filter((r) => r.headers["x-test-status"] === undefined);
  }

  async start(port = 0): Promise<void> {
    const server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on("data", (c: Buffer) => chunks.push(c));
      req.on("end", () => {
        const text = Buffer.concat(chunks).toString("utf8");
        let body: unknown = text;
        try {
          body = JSON.parse(text);
        } catch {
          // Kept as text.
        }
        const request: ReceivedRequest = { method: req.method ?? "", path: req.url ?? "", headers: req.headers, body };
        const answer = (reply: Reply) => {
          const payload = reply.body === undefined ? "" : JSON.stringify(reply.body);
          res.writeHead(reply.status, { "content-type": "application/json", ...(reply.headers ?? {}) });
          res.end(payload);
        };
        const reply = this.respond(request, this.requests.length);
        if (reply instanceof Promise) {
          this.requests.push(request);
          this.#events.emit("request");
          reply.then(answer);
          return;
        }
        if (reply.status < 200 || reply.status >= 300) request.headers["x-test-status"] = String(reply.status);
        this.requests.push(request);
        answer(reply);
        this.#events.emit("request");
      });
    });
    await new Promise<void>((resolvePromise, reject) => {
      server.once("error", reject);
      server.listen(port, "127.0.0.1", () => resolvePromise());
    });
    this.#server = server;
    this.#port = (server.address() as AddressInfo).port;
  }

  async stop(): Promise<void> {
    const server = this.#server;
    this.#server = undefined;
    if (!server) return;
    server.closeAllConnections();
    await new Promise<void>((resolvePromise) => server.close(() => resolvePromise()));
  }

  /** Waits (bounded, event-driven) until `predicate` holds over the recorded requests. */
  waitFor(predicate: (requests: ReceivedRequest[]) => boolean, timeoutMs = 10_000, what = "requests"): Promise<void> {
    if (predicate(this.requests)) return Promise.resolve();
    return new Promise((resolvePromise, reject) => {
      const timer = setTimeout(() => {
        this.#events.off("request", check);
        reject(new Error(`timed out after ${timeoutMs} ms waiting for ${what}; got ${this.requests.length} request(s)`));
      }, timeoutMs);
      const check = () => {
        if (!predicate(this.requests)) return;
        clearTimeout(timer);
        this.#events.off("request", check);
        resolvePromise();
      };
      this.#events.on("request", check);
    });
  }
}
