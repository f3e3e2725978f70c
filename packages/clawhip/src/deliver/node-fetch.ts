import { Agent as HttpAgent, request as httpRequest } from "node:http";
import { Agent as HttpsAgent, request as httpsRequest } from "node:https";
import type { FetchLike } from "./send-job.js";

const MAX_RESPONSE_BYTES = 64 * 1024;

/**
 * The `FetchLike` the daemon delivers with: node:http(s) over keep-alive agents. Webhook calls are
 * small POSTs; this path costs a fraction of the CPU of the WHATWG fetch, which matters when the
 * daemon delivers while it ingests. It resolves when the status and headers arrive, so a 2xx is known
 * (and recorded) without waiting for its body; the body is read (capped: only error text is ever
 * used) in the background and `text()` waits for it.
 */
export function nodeFetch(): { fetch: FetchLike; close: () => void } {
  const agents = { http: new HttpAgent({ keepAlive: true, maxSockets: 8 }), https: new HttpsAgent({ keepAlive: true, maxSockets: 8 }) };
  const close = () => {
    agents.http.destroy();
    agents.https.destroy();
  };
  const fetch: FetchLike = (url, init) =>
    new Promise((resolvePromise, reject) => {
      const target = new URL(url);
      const secure = target.protocol === "https:";
      if (!secure && target.protocol !== "http:") return reject(new Error(`unsupported protocol ${target.protocol}`));
      const body = Buffer.from(init.body);
      const req = (secure ? httpsRequest : httpRequest)(
        target,
        {
          method: init.method,
          headers: { ...init.headers, "content-length": body.length },
          agent: secure ? agents.https : agents.http,
          ...(init.signal ? { signal: init.signal } : {}),
        },
        (res) => {
          const body = new Promise<string>((resolveBody, rejectBody) => {
            const chunks: Buffer[] = [];
            let size = 0;
            res.on("data", (chunk: Buffer) => {
              size += chunk.length;
              if (size <= MAX_RESPONSE_BYTES) chunks.push(chunk);
            });
            res.on("error", rejectBody);
            res.on("end", () => resolveBody(Buffer.concat(chunks).toString("utf8")));
            res.on("close", () => {
              if (!res.complete) rejectBody(new Error("the response was cut off"));
            });
          });
          // A body nobody reads (a 2xx) may still fail (a reset): that must not be an unhandled rejection.
          body.catch(() => {});
          resolvePromise({
            status: res.statusCode ?? 0,
            headers: { get: (name: string) => [res.headers[name.toLowerCase()]].flat()[0] ?? null },
            text: () => body,
          });
        },
      );
      req.on("error", reject);
      req.end(body);
    });
  return { fetch, close };
}
