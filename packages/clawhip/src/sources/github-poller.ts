import { join } from "node:path";
import {
  type ClawhipGithubCiSnapshot,
  ClawhipGithubPollerFileSchema,
  type ClawhipGithubPrSnapshot,
  type ClawhipGithubRepoState,
  type ClawhipGitRepoMonitor,
  GithubApiCheckRunsSchema,
  GithubApiIssuesSchema,
  GithubApiPullsSchema,
  GithubApiWorkflowRunsSchema,
} from "@clawbridge/contracts";
import { readJsonFile, writeJsonAtomic } from "@clawbridge/plugin-host";
import type { z } from "zod";
import type { HookContextDeps } from "../hooks/hook-context.js";
import type { IncomingEvent } from "../normalize/incoming.js";
import {
  checkRunSnapshots,
  ciEvents,
  directRunSnapshots,
  issueEvents,
  issueSnapshots,
  mergeCiSnapshots,
  type PollContext,
  parseGithubRepo,
  prEvents,
  prSnapshots,
  repoDisplayName,
} from "./github-poll-core.js";

export const GITHUB_POLLER_FILE = "github-poller.json";
/** A page of 100 issues is well under a megabyte; anything near this is not an answer to keep in memory. */
const MAX_ANSWER_BYTES = 16 * 1024 * 1024;

export interface GithubPollerOptions {
  stateDir: string;
  repos: readonly ClawhipGitRepoMonitor[];
  apiBase: string;
  /** `CLAWHIP_GITHUB_TOKEN` or `[monitors].github_token`: sent as a bearer token, never logged. */
  token: string | undefined;
  intervalMs: number;
  fetch: typeof fetch;
  /** Runs git in the monitored clone (the GitHub repository from its remote, the branch it is on). */
  run: HookContextDeps["run"];
  env: NodeJS.ProcessEnv;
  now: () => number;
  emit: (event: IncomingEvent) => Promise<unknown>;
  log: (level: "info" | "warn" | "error", message: string) => void;
  requestTimeoutMs?: number;
}

/** A GitHub answer the poller cannot use (an HTTP error, or a body that is not what the endpoint returns). */
class GithubApiError extends Error {
  override name = "GithubApiError";
}

interface CachedAnswer {
  etag: string;
  body: unknown;
}

/**
 * Polls the GitHub REST API for the repositories of `[[monitors.git.repos]]` (issues, pull requests, CI
 * of open PRs and of pushes to the checked-out branch) and emits the changes, for users whose daemon has
 * no public URL for `POST /github`. A repository's first poll only sets its baseline. What it saw is
 * written to the state folder after the poll's events are spooled, so a restart re-emits nothing.
 * Conditional requests (ETag) keep unchanged answers off the rate limit; an exhausted limit pauses the
 * poller until GitHub's reset time.
 */
export class GithubPoller {
  readonly #options: GithubPollerOptions;
  readonly #state = new Map<string, ClawhipGithubRepoState>();
  readonly #cache = new Map<string, CachedAnswer>();
  #pausedUntilMs = 0;
  #timer: NodeJS.Timeout | undefined;
  #polling: Promise<void> | undefined;
  #closed = false;

  private constructor(options: GithubPollerOptions) {
    this.#options = options;
  }

  get #path(): string {
    return join(this.#options.stateDir, GITHUB_POLLER_FILE);
  }

  /** Loads what earlier polls saw; `schedule: false` leaves the polling to `pollOnce` (tests). */
  static async start(options: GithubPollerOptions, schedule = true): Promise<GithubPoller> {
    const poller = new GithubPoller(options);
    const read = await readJsonFile(poller.#path, ClawhipGithubPollerFileSchema);
    if (read.status === "ok") for (const repo of read.value.repos) poller.#state.set(repo.path, repo);
    if (read.status === "corrupt") options.log("error", `GitHub poller state unreadable (${read.reason}); kept as ${read.movedTo}`);
    if (schedule) poller.#schedule(0);
    return poller;
  }

  get repoCount(): number {
    return this.#options.repos.filter((r) => r.emit_issue_opened || r.emit_pr_status).length;
  }

  #schedule(delayMs: number): void {
    if (this.#closed) return;
    this.#timer = setTimeout(() => {
      this.#polling = this.pollOnce()
        .catch((error: Error) => this.#options.log("error", `GitHub poll failed: ${error.message}`))
        .finally(() => this.#schedule(this.#options.intervalMs));
    }, delayMs);
    this.#timer.unref();
  }

  /** One poll of every repository: a failure of one endpoint keeps that part's baseline and is logged. */
  async pollOnce(): Promise<void> {
    if (this.#options.now() < this.#pausedUntilMs) return;
    for (const monitor of this.#options.repos) {
      if (!monitor.emit_issue_opened && !monitor.emit_pr_status) continue;
      await this.#pollRepo(monitor);
      if (this.#options.now() < this.#pausedUntilMs) return;
    }
  }

  async #git(cwd: string, args: readonly string[]): Promise<string | undefined> {
    try {
      const result = await this.#options.run("git", ["-C", cwd, ...args], cwd, this.#options.env);
      return result.status === 0 ? result.stdout.trim() : undefined;
    } catch {
      // No clone at that path (or no git): the configured github_repo is used without a branch.
      return undefined;
    }
  }

  async #pollRepo(monitor: ClawhipGitRepoMonitor): Promise<void> {
    const branch = (await this.#git(monitor.path, ["rev-parse", "--abbrev-ref", "HEAD"])) ?? "";
    const remote = monitor.github_repo ? undefined : await this.#git(monitor.path, ["config", "--get", `remote.${monitor.remote}.url`]);
    const githubRepo = monitor.github_repo ?? (remote === undefined ? undefined : parseGithubRepo(remote));
    if (githubRepo === undefined) {
      this.#options.log("warn", `GitHub poller: no GitHub repository configured or inferred for ${monitor.path}`);
      return;
    }
    const previous = this.#state.get(monitor.path) ?? { path: monitor.path, seq: 0 };
    const ctx: PollContext = { monitor, repoName: repoDisplayName(monitor), idPrefix: `github-poll:${githubRepo}:${previous.seq}` };
    const next: ClawhipGithubRepoState = { ...previous, seq: previous.seq + 1 };
    const events: IncomingEvent[] = [];

    if (monitor.emit_issue_opened) {
      const issues = await this.#part(monitor, "issues", () =>
        this.#get(`repos/${githubRepo}/issues`, { state: "all", per_page: "100" }, GithubApiIssuesSchema),
      );
      if (issues !== undefined) {
        const current = issueSnapshots(issues);
        if (previous.issues !== undefined) events.push(...issueEvents(ctx, previous.issues, current));
        next.issues = current;
      }
    }
    if (monitor.emit_pr_status) {
      const pulls = await this.#part(monitor, "pull requests", () =>
        this.#get(`repos/${githubRepo}/pulls`, { state: "all", per_page: "100" }, GithubApiPullsSchema),
      );
      if (pulls !== undefined) {
        const current = prSnapshots(pulls);
        if (previous.prs !== undefined) events.push(...prEvents(ctx, previous.prs, current));
        next.prs = current;
      }
      const open = (next.prs ?? []).filter((pr) => pr.status === "open");
      const ci = await this.#part(monitor, "CI", () => this.#ci(githubRepo, branch, open));
      if (ci !== undefined) {
        if (previous.ci !== undefined) events.push(...ciEvents(ctx, previous.ci, ci));
        next.ci = ci;
      }
    }
    // Spooled first, remembered second: a crash between the two re-polls with the same ids, which the
    // spool's dedupe drops, rather than losing the events.
    for (const event of events) await this.#options.emit(event);
    this.#state.set(monitor.path, next);
    await this.#persist();
  }

  async #part<T>(monitor: ClawhipGitRepoMonitor, what: string, load: () => Promise<T>): Promise<T | undefined> {
    try {
      return await load();
    } catch (error) {
      this.#options.log("error", `GitHub ${what} polling failed for ${monitor.path}: ${(error as Error).message}`);
      return undefined;
    }
  }

  async #ci(githubRepo: string, branch: string, open: readonly ClawhipGithubPrSnapshot[]): Promise<ClawhipGithubCiSnapshot[]> {
    const fromPrs: ClawhipGithubCiSnapshot[] = [];
    for (const pr of open) {
      const runs = await this.#get(`repos/${githubRepo}/commits/${pr.head_sha}/check-runs`, { per_page: "100" }, GithubApiCheckRunsSchema);
      fromPrs.push(...checkRunSnapshots(runs, pr));
    }
    const query: Record<string, string> = { per_page: "100", event: "push" };
    if (branch !== "" && branch !== "HEAD") query.branch = branch;
    const direct = await this.#get(`repos/${githubRepo}/actions/runs`, query, GithubApiWorkflowRunsSchema);
    return mergeCiSnapshots(fromPrs, directRunSnapshots(direct));
  }

  async #get<S extends z.ZodType>(path: string, query: Record<string, string>, schema: S): Promise<z.output<S>> {
    const url = new URL(`${this.#options.apiBase.replace(/\/+$/, "")}/${path}`);
    for (const [key, value] of Object.entries(query)) url.searchParams.set(key, value);
    const headers: Record<string, string> = {
      accept: "application/vnd.github+json",
      "user-agent": "clawhip",
      "x-github-api-version": "2022-11-28",
    };
    if (this.#options.token) headers.authorization = `Bearer ${this.#options.token}`;
    const cached = this.#cache.get(url.href);
    if (cached) headers["if-none-match"] = cached.etag;
    const response = await this.#options.fetch(url, { headers, signal: AbortSignal.timeout(this.#options.requestTimeoutMs ?? 15_000) });
    let body: unknown;
    if (response.status === 304 && cached) {
      await response.body?.cancel();
      body = cached.body;
    } else if (response.ok) {
      const text = await readCapped(response, MAX_ANSWER_BYTES);
      if (text === undefined) throw new GithubApiError(`GET ${url.pathname}: the answer is over ${MAX_ANSWER_BYTES} bytes`);
      try {
        body = JSON.parse(text);
      } catch {
        throw new GithubApiError(`GET ${url.pathname}: the answer is not JSON`);
      }
      const etag = response.headers.get("etag");
      if (etag) this.#cache.set(url.href, { etag, body });
    } else {
      this.#noteRateLimit(response);
      const text = (await response.text().catch(() => "")).slice(0, 200);
      throw new GithubApiError(`GET ${url.pathname} failed with ${response.status}: ${text}`);
    }
    const parsed = schema.safeParse(body);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      throw new GithubApiError(`GET ${url.pathname}: unexpected answer at ${issue?.path.join(".") || "(root)"}: ${issue?.message}`);
    }
    return parsed.data;
  }

  /** A 403/429 with the limit spent (or a Retry-After) pauses every repository until GitHub says. */
  #noteRateLimit(response: Response): void {
    if (response.status !== 403 && response.status !== 429) return;
    const retryAfter = Number(response.headers.get("retry-after"));
    const reset = Number(response.headers.get("x-ratelimit-reset"));
    let until: number | undefined;
    if (Number.isFinite(retryAfter) && retryAfter > 0) until = this.#options.now() + retryAfter * 1000;
    else if (response.headers.get("x-ratelimit-remaining") === "0" && Number.isFinite(reset) && reset > 0) until = reset * 1000;
    if (until === undefined || until <= this.#pausedUntilMs) return;
    this.#pausedUntilMs = until;
    this.#options.log("warn", `GitHub rate limit reached; polling resumes at ${new Date(until).toISOString()}`);
  }

  async #persist(): Promise<void> {
    const configured = new Set(this.#options.repos.map((r) => r.path));
    const repos = [...this.#state.values()].filter((r) => configured.has(r.path));
    await writeJsonAtomic(this.#path, ClawhipGithubPollerFileSchema.parse({ repos }));
  }

  async close(): Promise<void> {
    this.#closed = true;
    clearTimeout(this.#timer);
    await this.#polling;
  }
}

/** The body as text, or undefined once it passes `limit` bytes (the rest is not read). */
async function readCapped(response: Response, limit: number): Promise<string | undefined> {
  if (Number(response.headers.get("content-length") ?? 0) > limit) {
    await response.body?.cancel();
    return undefined;
  }
  if (response.body === null) return "";
  const chunks: Uint8Array[] = [];
  let size = 0;
  for await (const chunk of response.body) {
    size += chunk.byteLength;
    if (size > limit) {
      await response.body.cancel().catch(() => undefined);
      return undefined;
    }
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString("utf8");
}
