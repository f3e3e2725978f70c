import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import type { Duplex } from "node:stream";
import { afterEach, describe, expect, it } from "vitest";
import { createGuardedServer, requestTarget } from "../server-guard.js";
import { bodyOf, bodyTextOf, idleSockets, rawExchange, statusOf, trickle } from "./raw-http.js";

const errorBody = (_status: number, code: string, message: string) => ({ error: { code, message } });
let server: Server | undefined;
const upgraded: Duplex[] = [];

afterEach(async () => {
  for (const socket of upgraded.splice(0)) socket.destroy();
  server?.closeAllConnections();
  await new Promise((resolve) => server?.close(resolve) ?? resolve(undefined));
  server = undefined;
});

/** A guarded server on 127.0.0.1 that echoes the method and path, with small timeouts. */
async function echoServer(options: { headersTimeoutMs?: number; requestTimeoutMs?: number } = {}): Promise<number> {
  const guarded = createGuardedServer(
    (req, res) => {
      requestTarget(req);
      const body = JSON.stringify({ method: req.method, url: req.url });
      res.writeHead(200, { "content-type": "application/json", "content-length": body.length }).end(body);
    },
    { errorBody, ...options },
  );
  // An upgrade is accepted and then held open: only the client ends it.
  guarded.on("upgrade", (_req, socket: Duplex) => {
    upgraded.push(socket);
    socket.write("HTTP/1.1 101 Switching Protocols\r\nupgrade: websocket\r\nconnection: Upgrade\r\n\r\n");
  });
  server = guarded;
  await new Promise<void>((resolve) => guarded.listen(0, "127.0.0.1", resolve));
  return (guarded.address() as AddressInfo).port;
}

describe("raw HTTP helpers", () => {
  it("rawExchange sends raw bytes and returns the reply; statusOf and bodyOf read it", async () => {
    const port = await echoServer();
    const reply = await rawExchange(port, "GET /a?b=1 HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
    expect(statusOf(reply)).toBe(200);
    expect(bodyOf(reply)).toEqual({ method: "GET", url: "/a?b=1" });
    const refused = await rawExchange(port, "GET //[ HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
    expect(statusOf(refused)).toBe(400);
    expect(bodyOf(refused)).toMatchObject({ error: { code: "bad_request" } });
  });

  it("statusOf skips interim responses, keeps a 101, and is 0 for no answer; bodyTextOf stops at content-length", () => {
    const final = "HTTP/1.1 200 OK\r\ncontent-length: 2\r\n\r\nokHTTP/1.1 400 Bad Request\r\n\r\n";
    expect(statusOf(`HTTP/1.1 100 Continue\r\n\r\n${final}`)).toBe(200);
    expect(bodyTextOf(`HTTP/1.1 100 Continue\r\n\r\n${final}`)).toBe("ok");
    expect(statusOf("HTTP/1.1 101 Switching Protocols\r\n\r\n")).toBe(101);
    expect(statusOf("HTTP/1.0 408 Request Timeout\r\n\r\n")).toBe(408);
    expect(statusOf("")).toBe(0);
    expect(statusOf("garbage")).toBe(0);
    expect(bodyTextOf("")).toBe("");
  });

  it("rawExchange half-closes on request, and with untilResponse ends an exchange the server holds open", async () => {
    const port = await echoServer();
    // The head never ends: only the half-close tells the server that nothing more is coming.
    const cut = await rawExchange(port, "GET / HTTP/1.1\r\nHost: x\r\n", { halfClose: true });
    expect(statusOf(cut)).toBe(400);
    const upgrade = "GET / HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\n";
    expect(statusOf(await rawExchange(port, upgrade, { untilResponse: true }))).toBe(101);
    // Without it the exchange lasts until its bound (configured small here), and keeps what came.
    expect(statusOf(await rawExchange(port, upgrade, { timeoutMs: 200 }))).toBe(101);
  });

  it("trickle is cut off by the server's request timeout with a 408, counting what it dripped", async () => {
    const port = await echoServer({ headersTimeoutMs: 300, requestTimeoutMs: 300 });
    const slow = await trickle(port, "GET / HTTP/1.1\r\nHost: x\r\nX-Slow: ", { intervalMs: 20 });
    expect(statusOf(slow.reply)).toBe(408);
    expect(slow.drips).toBeGreaterThan(0);
  });

  it("trickle rejects when the server never cuts the sender off", async () => {
    const port = await echoServer({ headersTimeoutMs: 60_000, requestTimeoutMs: 60_000 });
    await expect(trickle(port, "GET / HTTP/1.1\r\nX-Slow: ", { intervalMs: 20, timeoutMs: 300 })).rejects.toThrow(
      "the server kept a trickling socket open for more than 300 ms",
    );
  });

  it("idleSockets holds connections open until the server closes them, and reports what it wrote", async () => {
    const port = await echoServer({ headersTimeoutMs: 300, requestTimeoutMs: 300 });
    const held = await idleSockets(port, 3);
    expect(held.every(({ socket }) => !socket.destroyed)).toBe(true);
    for (const reply of await Promise.all(held.map(({ closed }) => closed))) expect(statusOf(reply)).toBe(408);
  });
});
