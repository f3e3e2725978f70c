import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { type WebSocket, WebSocketServer } from "ws";

export type DoubleReply = { ok: true; payload: unknown } | { ok: false; error: { code: string; message: string; details?: unknown } };
export type DoubleHandler = (params: Record<string, unknown>, gateway: GatewayDouble) => DoubleReply | Promise<DoubleReply>;

export interface HttpCall {
  path: string;
  headers: IncomingMessage["headers"];
  body: string;
}

/**
 * A scripted stand-in for an OpenClaw gateway: it speaks the reference frames (challenge, connect,
 * hello-ok, req/res, events) and answers each method with a handler the test sets, and serves
 * `POST /tools/invoke` on the same port like the real gateway.
 */
export class GatewayDouble {
  readonly server: Server;
  readonly wss = new WebSocketServer({ noServer: true });
  readonly requests: Array<{ method: string; params: Record<string, unknown> }> = [];
  readonly httpCalls: HttpCall[] = [];
  readonly sockets = new Set<WebSocket>();
  connectParams: Record<string, unknown> | undefined;
  methods: string[];
  handlers: Record<string, DoubleHandler> = {};
  httpReply: { status: number; body: string } = { status: 200, body: JSON.stringify({ ok: true, result: { content: [], details: {} } }) };
  #seq = 0;

  constructor(methods: string[]) {
    this.methods = methods;
    this.server = createServer((req, res) => {
      let body = "";
      req.on("data", (chunk) => (body += chunk));
      req.on("end", () => {
        this.httpCalls.push({ path: req.url ?? "", headers: req.headers, body });
        res.writeHead(this.httpReply.status, { "content-type": "application/json" });
        res.end(this.httpReply.body);
      });
    });
    this.server.on("upgrade", (req, socket, head) => this.wss.handleUpgrade(req, socket, head, (ws) => this.#accept(ws)));
  }

  async start(): Promise<string> {
    await new Promise<void>((resolve) => this.server.listen(0, "127.0.0.1", resolve));
    return `ws://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  async stop(): Promise<void> {
    for (const socket of this.sockets) socket.terminate();
    this.wss.close();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  #accept(ws: WebSocket): void {
    this.sockets.add(ws);
    ws.on("close", () => this.sockets.delete(ws));
    ws.send(JSON.stringify({ type: "event", event: "connect.challenge", payload: { nonce: "n-1", ts: 1 } }));
    ws.on("message", async (data) => {
      const frame = JSON.parse(String(data)) as { id: string; method: string; params?: Record<string, unknown> };
      if (frame.method === "connect") {
        this.connectParams = frame.params;
        ws.send(
          JSON.stringify({
            type: "res",
            id: frame.id,
            ok: true,
            payload: {
              type: "hello-ok",
              protocol: 4,
              server: { version: "double", connId: "c1" },
              features: { methods: this.methods, events: ["agent", "chat"] },
              auth: { role: "operator", scopes: ["operator.admin"] },
              policy: { maxPayload: 1_000_000, tickIntervalMs: 30_000 },
            },
          }),
        );
        return;
      }
      this.requests.push({ method: frame.method, params: frame.params ?? {} });
      const handler = this.handlers[frame.method];
      const reply: DoubleReply = handler
        ? await handler(frame.params ?? {}, this)
        : { ok: false, error: { code: "INVALID_REQUEST", message: `unknown method: ${frame.method}` } };
      ws.send(JSON.stringify({ type: "res", id: frame.id, ...reply }));
    });
  }

  /** Sends an event frame to every connected client. */
  emit(event: string, payload: unknown): void {
    this.#seq += 1;
    for (const socket of this.sockets) socket.send(JSON.stringify({ type: "event", event, payload, seq: this.#seq }));
  }

  /** Sends raw text (for malformed-frame tests). */
  emitRaw(text: string): void {
    for (const socket of this.sockets) socket.send(text);
  }

  agent(runId: string, stream: string, data: Record<string, unknown>, sessionKey = "agent:main:lane"): void {
    this.emit("agent", { runId, seq: this.#seq + 1, stream, ts: 1000 + this.#seq, data, sessionKey });
  }
}
