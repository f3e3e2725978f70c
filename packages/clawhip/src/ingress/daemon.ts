import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import type { ClawhipConfig } from "@clawbridge/contracts";
import { ClawhipRuntime, type ClawhipRuntimeOptions } from "../runtime/clawhip-runtime.js";
import { createIngressHandler } from "./http-handler.js";
import { sendJson } from "./http-io.js";

export interface DaemonOptions extends Omit<ClawhipRuntimeOptions, "config"> {
  config: ClawhipConfig;
  bind?: string;
  port?: number;
  token?: string;
}

export interface RunningDaemon {
  url: string;
  port: number;
  server: Server;
  runtime: ClawhipRuntime;
  close(): Promise<void>;
}

/**
 * Starts the ingress daemon: the runtime (spool replayed, pending deliveries resumed) and a node:http
 * server on loopback unless told otherwise.
 */
export async function startDaemon(options: DaemonOptions): Promise<RunningDaemon> {
  const runtime = await ClawhipRuntime.start(options);
  const log = options.log ?? ((level: string, message: string) => process.stderr.write(`clawhip ${level}: ${message}\n`));
  const token = options.token ?? options.config.daemon.token;
  const handler = createIngressHandler({
    runtime: () => runtime,
    log: (message) => log("error", message),
    ...(token ? { token } : {}),
  });
  const server = createServer((req, res) => {
    handler(req, res).then(
      (handled) => {
        if (!handled)
          sendJson(res, 404, { ok: false, error: `not found: ${req.method} ${new URL(req.url ?? "/", "http://clawhip").pathname}` });
      },
      () => sendJson(res, 500, { ok: false, error: "internal error" }),
    );
  });
  server.keepAliveTimeout = 65_000;
  server.requestTimeout = 30_000;
  server.on("clientError", (_error, socket) => {
    if (socket.writable) socket.end("HTTP/1.1 400 Bad Request\r\nconnection: close\r\ncontent-length: 0\r\n\r\n");
    else socket.destroy();
  });
  const bind = options.bind ?? options.config.daemon.bind;
  try {
    await new Promise<void>((resolvePromise, reject) => {
      server.once("error", reject);
      server.listen(options.port ?? options.config.daemon.port, bind, () => {
        server.off("error", reject);
        resolvePromise();
      });
    });
  } catch (error) {
    await runtime.stop();
    throw error;
  }
  const port = (server.address() as AddressInfo).port;
  const host = bind.includes(":") ? `[${bind}]` : bind;
  return {
    url: `http://${host}:${port}`,
    port,
    server,
    runtime,
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolvePromise) => server.close(() => resolvePromise()));
      await runtime.stop();
    },
  };
}
