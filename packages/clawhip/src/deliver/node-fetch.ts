import { Agent as HttpAgent, request as httpRequest } from "node:http";
import { Agent as HttpsAgent, request as httpsRequest } from "node:https";
import type { FetchLike } from "./send-job.js";

const MAX_RESPONSE_BYTES = 64 * 1024;

/**
 * The `FetchLike` the daemon delivers with: node:http(s) over keep-alive agents. Webhook calls are
 * small POSTs; this path costs a fraction of the CPU of the WHATWG fetch, which matters when the
 * daemon delivers while it ingests. Response bodies are capped (only error text is ever read).
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
          const chunks: Buffer[] = [];
          let size = 0;
          res.on("data", (chunk: Buffer) => {
            size += chunk.length;
            if (size <= MAX_RESPONSE_BYTES) chunks.push(chunk);
          });
          res.on("error", reject);
          res.on("end", () => {
            const text = Buffer.concat(chunks).toString("utf8");
            resolvePromise({
              status: res.statusCode ?? 0,
              headers: { get: (name: string) => [res.headers[name.toLowerCase()]].flat()[0] ?? null },
              text: async () => text,
            });
          });
        },
      );
      req.on("error", reject);
      req.end(body);
    });
  return { fetch, close };
}
