import WebSocket from "ws";

export interface FrameClient {
  socket: WebSocket;
  /** The next frame, or `{type:"closed", code}` once the socket closed. */
  next(): Promise<any>;
  send(frame: unknown): void;
  /** Resolves with the close code once the socket closed. */
  closed: Promise<number>;
}

/** The server answered the upgrade with an HTTP response instead of switching protocols. */
export class UpgradeRefused extends Error {
  constructor(
    readonly status: number,
    readonly body: string,
  ) {
    super(`upgrade refused with ${status}: ${body}`);
  }
}

/**
 * A WebSocket client that queues the frames it receives and can wait for the next one. An upgrade the
 * server refuses rejects with `UpgradeRefused` (status and body).
 */
export async function frameClient(url: string, options: WebSocket.ClientOptions = {}): Promise<FrameClient> {
  const socket = new WebSocket(url, options);
  const frames: any[] = [];
  const waiters: Array<(frame: any) => void> = [];
  let closedWith: number | undefined;
  const push = (frame: any) => {
    const waiter = waiters.shift();
    if (waiter) waiter(frame);
    else frames.push(frame);
  };
  socket.on("message", (data) => push(JSON.parse(String(data))));
  socket.on("error", () => {});
  const closed = new Promise<number>((resolve) =>
    socket.once("close", (code) => {
      closedWith = code;
      for (const waiter of waiters.splice(0)) waiter({ type: "closed", code });
      resolve(code);
    }),
  );
  await new Promise((resolve, reject) => {
    socket.once("open", resolve);
    socket.once("error", reject);
    socket.once("unexpected-response", (req, res) => {
      let body = "";
      res.on("data", (chunk) => {
        body += String(chunk);
      });
      res.on("end", () => {
        reject(new UpgradeRefused(res.statusCode ?? 0, body));
        req.destroy();
      });
    });
  });
  return {
    socket,
    next: () => {
      if (frames.length > 0) return Promise.resolve(frames.shift());
      if (closedWith !== undefined) return Promise.resolve({ type: "closed", code: closedWith });
      return new Promise((resolve) => waiters.push(resolve));
    },
    send: (frame) => socket.send(typeof frame === "string" ? frame : JSON.stringify(frame)),
    closed,
  };
}
