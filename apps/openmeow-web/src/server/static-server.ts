import { createReadStream } from "node:fs";
import { stat } from "node:fs/promises";
import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import { dirname, extname, join, normalize, resolve, sep } from "node:path";
import { fileURLToPath } from "node:url";
import { createGuardedServer, decodePathParam, requestTarget, type ServerGuardOptions } from "@clawbridge/plugin-host";

/** By extension; a `Map`, since the extension comes from the request path. */
const CONTENT_TYPES = new Map([
  [".html", "text/html; charset=utf-8"],
  [".js", "text/javascript; charset=utf-8"],
  [".css", "text/css; charset=utf-8"],
  [".map", "application/json; charset=utf-8"],
  [".json", "application/json; charset=utf-8"],
  [".svg", "image/svg+xml"],
  [".png", "image/png"],
]);

/** The built app (`dist/web`) next to this module, whether it runs from `src/server` or `dist/server`. */
export function openMeowWebRoot(): string {
  return resolve(dirname(fileURLToPath(import.meta.url)), "../../dist/web");
}

export interface StaticServer {
  url: string;
  port: number;
  server: Server;
  stop(): Promise<void>;
}

/**
 * Maps a request path to a file under root, or undefined when it would escape root. A `%` escape that
 * does not decode (`%ff`, `%E0%A4%A`) is a `RequestTargetError`: the client's fault, answered 400.
 */
export function resolveStaticPath(root: string, urlPath: string): string | undefined {
  const decoded = decodePathParam(urlPath.split("?")[0] ?? "/");
  if (decoded.includes("\0")) return undefined;
  const relative = normalize(decoded === "/" || decoded === "" ? "/index.html" : decoded);
  const full = join(root, relative);
  return full === root || full.startsWith(root.endsWith(sep) ? root : `${root}${sep}`) ? full : undefined;
}

/** The connection cap and the timeouts on slow senders keep the shared guard's defaults unless set. */
export interface StaticServerOptions
  extends Pick<ServerGuardOptions, "maxConnections" | "headersTimeoutMs" | "requestTimeoutMs" | "keepAliveTimeoutMs"> {
  root?: string;
  port?: number;
  bind?: string;
  /** Where a request the server failed is logged (method and path only); stderr by default. */
  log?: (line: string) => void;
}

/**
 * Serves the OpenMeow web app's static files on loopback (GET/HEAD only). It holds no secrets: the
 * gateway URL and token travel in the page's fragment. A target that does not parse (`//[`, `/%zz`)
 * is a JSON 400; slow senders and connection floods meet the shared server guard.
 */
export async function startOpenMeowWebServer(options: StaticServerOptions = {}): Promise<StaticServer> {
  const root = resolve(options.root ?? openMeowWebRoot());
  const indexStat = await stat(join(root, "index.html")).catch(() => undefined);
  if (!indexStat) throw new Error(`OpenMeow web is not built: ${join(root, "index.html")} is missing (run pnpm build)`);
  const guard: ServerGuardOptions = {
    maxConnections: options.maxConnections,
    headersTimeoutMs: options.headersTimeoutMs,
    requestTimeoutMs: options.requestTimeoutMs,
    keepAliveTimeoutMs: options.keepAliveTimeoutMs,
    errorBody: (_status, code, message) => ({ ok: false, error: { code, message } }),
    log: options.log ?? ((line) => process.stderr.write(`openmeow-web: ${line}\n`)),
  };
  const server = createGuardedServer(async (req, res) => {
    if (req.method !== "GET" && req.method !== "HEAD") {
      res.writeHead(405, { allow: "GET, HEAD", "content-type": "text/plain" }).end("Method Not Allowed");
      return;
    }
    const file = resolveStaticPath(root, requestTarget(req).pathname);
    const info = file ? await stat(file).catch(() => undefined) : undefined;
    if (!file || !info?.isFile()) {
      res.writeHead(404, { "content-type": "text/plain" }).end("Not Found");
      return;
    }
    res.writeHead(200, {
      "content-type": CONTENT_TYPES.get(extname(file)) ?? "application/octet-stream",
      "content-length": info.size,
      "cache-control": "no-cache",
      "x-content-type-options": "nosniff",
    });
    if (req.method === "HEAD") {
      res.end();
      return;
    }
    createReadStream(file)
      .on("error", () => res.destroy())
      .pipe(res);
  }, guard);
  const bind = options.bind ?? "127.0.0.1";
  await new Promise<void>((resolvePromise, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? 0, bind, () => resolvePromise());
  });
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://${bind}:${port}`,
    port,
    server,
    stop: () =>
      new Promise<void>((resolvePromise) => {
        server.closeAllConnections();
        server.close(() => resolvePromise());
      }),
  };
}
