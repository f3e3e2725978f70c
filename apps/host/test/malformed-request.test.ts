import { type ChildProcess, spawn } from "node:child_process";
import { mkdtemp } from "node:fs/promises";
import { connect } from "node:net";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterEach, describe, expect, it } from "vitest";

/**
 * Item 1 across the whole host process (LocalHost, `--local`): the host port, the embedded Kichi World and Oomi backend and
 * the OpenMeow web server all live in one process, so one malformed request to any of them must be a
 * 4xx for that request and leave every port serving.
 */

const main = resolve(import.meta.dirname, "../dist/main.js");
let child: ChildProcess | undefined;

afterEach(() => {
  child?.kill("SIGKILL");
  child = undefined;
});

type Ports = Record<"host" | "kichi" | "oomi" | "openmeow", number>;

/** Starts the built host and resolves with the port of each of its servers once all are listening. */
function startHost(): Promise<Ports> {
  return new Promise((resolvePromise, reject) => {
    mkdtemp(join(tmpdir(), "host-malformed-")).then((stateDir) => {
      child = spawn(process.execPath, [main, "--local", "--port", "0", "--state-dir", stateDir], {
        stdio: ["ignore", "pipe", "pipe"],
        env: { ...process.env, OPENMEOW_WEB_PORT: "0", OOMI_BACKEND_PORT: "0", CLAWBRIDGE_KICHI_WORLD_PORT: "0" },
      });
      let out = "";
      let err = "";
      const port = (pattern: RegExp) => Number(pattern.exec(out)?.[1]);
      child.stdout?.on("data", (chunk: Buffer) => {
        out += chunk.toString();
        const ports = {
          host: port(/listening on http:\/\/127\.0\.0\.1:(\d+)/),
          kichi: port(/kichi:\s+http:\/\/127\.0\.0\.1:(\d+)/),
          oomi: port(/oomi:\s+http:\/\/127\.0\.0\.1:(\d+)/),
          openmeow: port(/openmeow: http:\/\/127\.0\.0\.1:(\d+)/),
        };
        if (Object.values(ports).every((p) => p > 0)) resolvePromise(ports);
      });
      child.stderr?.on("data", (chunk: Buffer) => {
        err += chunk.toString();
      });
      child.on("exit", (code) => reject(new Error(`host exited with ${code}: ${err}`)));
    }, reject);
  });
}

/** True once `raw` holds a whole response: its head, and the body its content-length announces. */
function complete(raw: string): boolean {
  const end = raw.indexOf("\r\n\r\n");
  if (end < 0) return false;
  const head = raw.slice(0, end);
  const length = /\r\ncontent-length: *(\d+)/i.exec(head)?.[1];
  if (length !== undefined) return raw.length - end - 4 >= Number(length);
  if (/\r\ntransfer-encoding: *chunked/i.test(head)) return raw.endsWith("0\r\n\r\n");
  return true;
}

/** Writes raw bytes on a fresh socket; resolves with the first whole response (or what came before a close or the bound). */
function rawExchange(port: number, bytes: string): Promise<string> {
  return new Promise((resolvePromise) => {
    const socket = connect(port, "127.0.0.1");
    let text = "";
    const bound = setTimeout(() => socket.destroy(), 5_000);
    socket.setEncoding("latin1");
    socket.on("data", (chunk: string) => {
      text += chunk;
      if (complete(text)) socket.destroy();
    });
    socket.on("close", () => {
      clearTimeout(bound);
      resolvePromise(text);
    });
    socket.on("error", () => {});
    socket.write(bytes);
  });
}

const statusOf = (raw: string) => Number(/^HTTP\/1\.1 (\d{3})/.exec(raw)?.[1] ?? 0);
const jsonBodyOf = (raw: string): unknown => JSON.parse(raw.slice(raw.indexOf("\r\n\r\n") + 4));

const request = (line: string) => `${line}\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n`;
const upgrade = (target: string) =>
  `GET ${target} HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n` +
  "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n";

/** What each server answers 200 to when it is healthy. */
const HEALTH: Record<keyof Ports, string> = { host: "/health", kichi: "/health", oomi: "/", openmeow: "/" };

async function everyPortServes(ports: Ports): Promise<void> {
  expect(child?.exitCode).toBeNull();
  for (const [name, port] of Object.entries(ports) as Array<[keyof Ports, number]>) {
    const reply = await fetch(`http://127.0.0.1:${port}${HEALTH[name]}`).catch((error: Error) => error);
    expect(reply instanceof Response ? reply.status : reply.message, `${name} after the malformed requests`).toBe(200);
  }
}

describe("item 1: one malformed request to any port of the host process", () => {
  const servers: Array<[keyof Ports, string[]]> = [
    ["host", ["/%zz"]],
    ["openmeow", ["/%zz"]],
    ["kichi", ["/%zz"]],
    ["oomi", ["/v1/personas/%zz"]],
  ];
  for (const [name, escapes] of servers) {
    it(`${name}: a broken request line, target or %-escape (and an upgrade with one) is a 4xx, and every port keeps serving`, async () => {
      const ports = await startHost();
      const port = ports[name];
      for (const target of ["//[", ...escapes]) {
        const raw = await rawExchange(port, request(`GET ${target} HTTP/1.1`));
        expect(statusOf(raw), `${name} GET ${target}`).toBe(400);
        expect(jsonBodyOf(raw), `${name} GET ${target}`).toBeTypeOf("object");
      }
      for (const bytes of [request("GET //a:99999/ HTTP/1.1"), "GET / HTTP/1.1 garbage\r\n\r\n", upgrade("//["), upgrade("/%zz")]) {
        const status = statusOf(await rawExchange(port, bytes));
        expect(status >= 400 && status < 500, `${name}: ${JSON.stringify(bytes.split("\r\n")[0])} answered ${status}`).toBe(true);
      }
      await everyPortServes(ports);
    });
  }
});
