import { type RomeCdpEvaluateResult, RomeCdpEvaluateResultSchema, RomeCdpIncomingFrameSchema } from "@clawbridge/contracts";
import WebSocket from "ws";

interface PendingCommand {
  method: string;
  resolve: (result: unknown) => void;
  reject: (error: Error) => void;
}

/**
 * One DevTools protocol connection (to a page, or to the browser). Commands are matched to replies by
 * id; when the socket closes or fails, every command in flight rejects with the reason, and later ones
 * reject at once. Events are delivered to `on` listeners.
 */
export class CdpSession {
  readonly #socket: WebSocket;
  readonly #pending = new Map<number, PendingCommand>();
  readonly #listeners = new Map<string, Set<(params: unknown) => void>>();
  #nextId = 1;
  #closedBecause: string | undefined;

  private constructor(socket: WebSocket) {
    this.#socket = socket;
    socket.on("message", (data) => this.#receive(data.toString()));
    socket.on("close", () => this.#fail("the DevTools connection closed"));
    socket.on("error", (error) => this.#fail(`the DevTools connection failed: ${error.message}`));
  }

  /** Opens a session on a `ws://` DevTools URL (a target's `webSocketDebuggerUrl`). */
  static connect(webSocketUrl: string): Promise<CdpSession> {
    return new Promise((resolve, reject) => {
      let socket: WebSocket;
      try {
        socket = new WebSocket(webSocketUrl, { perMessageDeflate: false });
      } catch (error) {
        reject(new Error(`cannot open a DevTools connection to ${webSocketUrl}: ${(error as Error).message}`));
        return;
      }
      const onError = (error: Error) => reject(new Error(`cannot open a DevTools connection to ${webSocketUrl}: ${error.message}`));
      socket.once("error", onError);
      socket.once("open", () => {
        socket.off("error", onError);
        resolve(new CdpSession(socket));
      });
    });
  }

  /** Sends a command and resolves with its result, or rejects with the browser's error message. */
  send<TResult = unknown>(method: string, params?: Record<string, unknown>): Promise<TResult> {
    if (this.#closedBecause) return Promise.reject(new Error(`${method}: ${this.#closedBecause}`));
    const id = this.#nextId++;
    return new Promise<TResult>((resolve, reject) => {
      this.#pending.set(id, { method, resolve: resolve as (result: unknown) => void, reject });
      this.#socket.send(JSON.stringify(params === undefined ? { id, method } : { id, method, params }), (error) => {
        if (!error) return;
        this.#pending.delete(id);
        reject(new Error(`${method}: could not be sent: ${error.message}`));
      });
    });
  }

  /** Evaluates `expression` in the page (awaiting a promise it returns) and answers its value as JSON. */
  async evaluateByValue<TValue>(expression: string): Promise<TValue> {
    const raw = await this.send("Runtime.evaluate", { expression, awaitPromise: true, returnByValue: true });
    const parsed = RomeCdpEvaluateResultSchema.safeParse(raw);
    if (!parsed.success) throw new Error("Runtime.evaluate answered something that is not an evaluation result");
    const reply: RomeCdpEvaluateResult = parsed.data;
    if (reply.exceptionDetails) {
      const { exception, text } = reply.exceptionDetails;
      throw new Error(exception?.description ?? (exception?.value !== undefined ? String(exception.value) : (text ?? "the page threw")));
    }
    return reply.result.value as TValue;
  }

  /** Listens to a protocol event (`Page.loadEventFired`, …); answers a function that stops listening. */
  on(method: string, listener: (params: unknown) => void): () => void {
    let listeners = this.#listeners.get(method);
    if (!listeners) {
      listeners = new Set();
      this.#listeners.set(method, listeners);
    }
    listeners.add(listener);
    return () => listeners.delete(listener);
  }

  /** Settles when the connection ends, whichever side ends it. */
  closedByPeer(): Promise<void> {
    if (this.#socket.readyState === WebSocket.CLOSED) return Promise.resolve();
    return new Promise((resolve) => this.#socket.once("close", () => resolve()));
  }

  get closed(): boolean {
    return this.#closedBecause !== undefined;
  }

  /** Closes the connection and waits until it is closed; commands in flight reject. */
  async close(): Promise<void> {
    if (this.#socket.readyState === WebSocket.CLOSED) return;
    const closed = new Promise<void>((resolve) => this.#socket.once("close", () => resolve()));
    this.#fail("the DevTools connection was closed by this side");
    this.#socket.close();
    await closed;
  }

  #receive(text: string): void {
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      return; // Not a protocol frame: nothing waits on it.
    }
    const parsed = RomeCdpIncomingFrameSchema.safeParse(json);
    if (!parsed.success) return;
    const frame = parsed.data;
    if (frame.id === undefined) {
      if (frame.method) for (const listener of this.#listeners.get(frame.method) ?? []) listener(frame.params);
      return;
    }
    const command = this.#pending.get(frame.id);
    if (!command) return;
    this.#pending.delete(frame.id);
    if (frame.error) command.reject(new Error(`${command.method}: ${frame.error.message}`));
    else command.resolve(frame.result);
  }

  #fail(reason: string): void {
    this.#closedBecause ??= reason;
    for (const [id, command] of this.#pending) {
      this.#pending.delete(id);
      command.reject(new Error(`${command.method}: ${reason}`));
    }
  }
}
