import { createHash } from "node:crypto";
import { createServer, type IncomingHttpHeaders, type Server } from "node:http";
import type { AddressInfo } from "node:net";

export interface GithubRequest {
  method: string;
  /** Path and query, as sent. */
  url: string;
  headers: IncomingHttpHeaders;
  status: number;
}

type Json = Record<string, unknown>;

/**
 * A local stand-in for the parts of GitHub's REST API the poller reads: one repository's issues, pulls,
 * check runs per commit and workflow runs, which a test edits between polls. Answers carry an ETag and a
 * matching `If-None-Match` gets a 304, as GitHub does; `fail` scripts error answers for the next requests.
 */
export class FakeGithub {
  readonly requests: GithubRequest[] = [];
  issues: Json[] = [];
  pulls: Json[] = [];
  checkRuns = new Map<string, Json[]>();
  workflowRuns: Json[] = [];
  /** Answers for the next requests, in order (status, body, headers), before the data is served. */
  readonly fail: Array<{ status: number; body?: string; headers?: Record<string, string> }> = [];
  #server: Server | undefined;

  constructor(readonly repo: string) {}

  get url(): string {
    if (this.#server === undefined) throw new Error("FakeGithub is not started");
    return `http://127.0.0.1:${(this.#server.address() as AddressInfo).port}`;
  }

  #answer(path: string): unknown {
    const base = `/repos/${this.repo}`;
    if (path === `${base}/issues`) return this.issues;
    if (path === `${base}/pulls`) return this.pulls;
    if (path === `${base}/actions/runs`) return { total_count: this.workflowRuns.length, workflow_runs: this.workflowRuns };
    const sha = path.match(/^\/repos\/[^/]+\/[^/]+\/commits\/([^/]+)\/check-runs$/)?.[1];
    if (path.startsWith(base) && sha !== undefined) {
      const runs = this.checkRuns.get(sha) ?? [];
      return { total_count: runs.length, check_runs: runs };
    }
    return undefined;
  }

  async start(): Promise<void> {
    const server = createServer((req, res) => {
      const url = req.url ?? "/";
      const record = (status: number) => this.requests.push({ method: req.method ?? "", url, headers: req.headers, status });
      const scripted = this.fail.shift();
      if (scripted) {
        record(scripted.status);
        res.writeHead(scripted.status, { "content-type": "application/json", ...scripted.headers });
        res.end(scripted.body ?? JSON.stringify({ message: "scripted failure" }));
        return;
      }
      const answer = this.#answer(new URL(url, "http://x").pathname);
      if (answer === undefined) {
        record(404);
        res.writeHead(404, { "content-type": "application/json" });
        res.end(JSON.stringify({ message: "Not Found" }));
        return;
      }
      const body = JSON.stringify(answer);
      const etag = `"${createHash("sha1").update(body).digest("hex")}"`;
      if (req.headers["if-none-match"] === etag) {
        record(304);
        res.writeHead(304, { etag });
        res.end();
        return;
      }
      record(200);
      res.writeHead(200, { "content-type": "application/json", etag });
      res.end(body);
    });
    await new Promise<void>((resolvePromise) => server.listen(0, "127.0.0.1", resolvePromise));
    this.#server = server;
  }

  async stop(): Promise<void> {
    this.#server?.closeAllConnections();
    await new Promise<void>((resolvePromise) => this.#server?.close(() => resolvePromise()) ?? resolvePromise());
  }
}
