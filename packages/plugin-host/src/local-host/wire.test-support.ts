import { randomBytes } from "node:crypto";
import { connect, type Socket } from "node:net";

/**
 * Raw WebSocket wire helpers for the LocalHost tests: they send what no well-behaved client library
 * would (frame headers that promise megabytes, reserved opcodes) and read what comes back. Raw HTTP
 * helpers are shared by every server's tests: `../testing/index.js`.
 */

/** A client-to-server frame (masked); `declaredLength` lets the header promise more than is sent. */
export function clientFrame(opcode: number, payload: Buffer, declaredLength = payload.length): Buffer {
  const mask = randomBytes(4);
  let header: Buffer;
  if (declaredLength < 126) {
    header = Buffer.from([0x80 | opcode, 0x80 | declaredLength]);
  } else if (declaredLength < 65_536) {
    header = Buffer.alloc(4);
    header.writeUInt8(0x80 | opcode, 0);
    header.writeUInt8(0x80 | 126, 1);
    header.writeUInt16BE(declaredLength, 2);
  } else {
    header = Buffer.alloc(10);
    header.writeUInt8(0x80 | opcode, 0);
    header.writeUInt8(0x80 | 127, 1);
    header.writeBigUInt64BE(BigInt(declaredLength), 2);
  }
  const masked = Buffer.from(payload.map((byte, i) => byte ^ (mask[i % 4] as number)));
  return Buffer.concat([header, mask, masked]);
}

export interface ServerFrame {
  opcode: number;
  payload: Buffer;
}

/** A WebSocket opened by hand: the upgrade response head, the frames the server sent, and the socket. */
export class RawWebSocket {
  readonly frames: ServerFrame[] = [];
  closed = false;
  #buffer = Buffer.alloc(0);
  #head: string | undefined;
  #waiters: Array<() => void> = [];

  private constructor(readonly socket: Socket) {
    socket.on("data", (chunk: Buffer) => this.#read(chunk));
    socket.on("close", () => {
      this.closed = true;
      this.#wake();
    });
    socket.on("error", () => {});
  }

  /** Sends an upgrade request for `target` and resolves once the response head is read. */
  static async open(port: number, target = "/"): Promise<RawWebSocket> {
    const socket = connect(port, "127.0.0.1");
    const raw = new RawWebSocket(socket);
    socket.write(
      `GET ${target} HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n` +
        `Sec-WebSocket-Key: ${randomBytes(16).toString("base64")}\r\nSec-WebSocket-Version: 13\r\n\r\n`,
    );
    await raw.until(() => raw.#head ?? (raw.closed ? "" : undefined), "upgrade response");
    return raw;
  }

  /** The upgrade response head (`HTTP/1.1 101 …`), or what the server answered instead. */
  get head(): string {
    return this.#head ?? "";
  }

  /** The body of a refused upgrade (the bytes after the head). */
  get refusalBody(): string {
    return this.#buffer.toString("utf8");
  }

  /** The close code of the server's close frame, if one came. */
  get closeCode(): number | undefined {
    const close = this.frames.find((f) => f.opcode === 0x8);
    return close && close.payload.length >= 2 ? close.payload.readUInt16BE(0) : undefined;
  }

  /** Text frames, parsed as JSON. */
  json(): any[] {
    return this.frames.filter((f) => f.opcode === 0x1).map((f) => JSON.parse(f.payload.toString("utf8")));
  }

  write(bytes: Buffer): void {
    if (!this.socket.destroyed) this.socket.write(bytes);
  }

  sendText(text: string): void {
    this.write(clientFrame(0x1, Buffer.from(text)));
  }

  destroy(): void {
    this.socket.destroy();
  }

  async until<T>(pick: () => T | undefined, what: string, boundMs = 5_000): Promise<T> {
    const deadline = Date.now() + boundMs;
    for (;;) {
      const found = pick();
      if (found !== undefined) return found;
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
      await new Promise<void>((resolve) => {
        this.#waiters.push(resolve);
        setTimeout(resolve, 100);
      });
    }
  }

  #wake(): void {
    for (const wake of this.#waiters.splice(0)) wake();
  }

  #read(chunk: Buffer): void {
    this.#buffer = Buffer.concat([this.#buffer, chunk]);
    if (this.#head === undefined) {
      const end = this.#buffer.indexOf("\r\n\r\n");
      if (end < 0) return;
      this.#head = this.#buffer.subarray(0, end).toString("latin1");
      this.#buffer = this.#buffer.subarray(end + 4);
    }
    // A refused upgrade keeps its body in the buffer (`refusalBody`); only a 101 carries frames.
    while (this.#head.startsWith("HTTP/1.1 101")) {
      if (this.#buffer.length < 2) break;
      const opcode = (this.#buffer[0] as number) & 0x0f;
      let length = (this.#buffer[1] as number) & 0x7f;
      let offset = 2;
      if (length === 126) {
        if (this.#buffer.length < 4) break;
        length = this.#buffer.readUInt16BE(2);
        offset = 4;
      } else if (length === 127) {
        if (this.#buffer.length < 10) break;
        length = Number(this.#buffer.readBigUInt64BE(2));
        offset = 10;
      }
      if (this.#buffer.length < offset + length) break;
      this.frames.push({ opcode, payload: Buffer.from(this.#buffer.subarray(offset, offset + length)) });
      this.#buffer = this.#buffer.subarray(offset + length);
    }
    this.#wake();
  }
}
