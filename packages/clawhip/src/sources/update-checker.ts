import {
  type ClawhipPendingUpdate,
  type ClawhipUpdate,
  type ClawhipUpdateCheck,
  type ClawhipUpdateStatus,
  NpmDistTagsSchema,
} from "@clawbridge/contracts";
import type { IncomingEvent } from "../normalize/incoming.js";

/** `v1.2.3` and `V1.2.3` are `1.2.3`. */
export function normalizeVersion(tag: string): string {
  return tag.replace(/^[vV]/, "");
}

/**
 * Upstream's comparison: dot-separated numbers, a missing segment is 0; a version with anything else in
 * it (a pre-release) is not comparable, so it is never taken for an update.
 */
export function compareVersions(a: string, b: string): number | undefined {
  const parse = (v: string) => v.split(".").map((s) => (/^\d+$/.test(s) ? Number(s) : Number.NaN));
  const left = parse(a);
  const right = parse(b);
  if ([...left, ...right].some(Number.isNaN)) return undefined;
  for (let i = 0; i < Math.max(left.length, right.length); i += 1) {
    const diff = (left[i] ?? 0) - (right[i] ?? 0);
    if (diff !== 0) return Math.sign(diff);
  }
  return 0;
}

export const isNewer = (latest: string, current: string) => compareVersions(normalizeVersion(latest), current) === 1;

/** The three messages of the lifecycle, worded as upstream's. */
export const updateMessages = {
  available: (current: string, latest: string, url: string) =>
    `clawhip update available: v${current} \u2192 v${latest}\nApprove via: POST /api/update/approve  or  clawhip update approve\n${url}`,
  updated: (version: string) => `clawhip updated to v${version} successfully. Restart may follow.`,
  failed: (version: string, error: string) => `clawhip update to v${version} failed: ${error}`,
};

/** The package's page for a version (what the message links to). */
export const releaseUrl = (packageName: string, version: string) => `https://www.npmjs.com/package/${packageName}/v/${version}`;

/** A refusal of approve/dismiss (nothing pending) or a failed install: answered 400 with the message. */
export class UpdateError extends Error {
  override name = "UpdateError";
}

/** Asks the registry for the package's `latest`; undefined when the registry does not know the package. */
export async function latestVersion(fetcher: typeof fetch, registry: string, packageName: string): Promise<string | undefined> {
  const url = `${registry.replace(/\/+$/, "")}/-/package/${packageName.replace("/", "%2f")}/dist-tags`;
  const response = await fetcher(url, { headers: { accept: "application/json" }, signal: AbortSignal.timeout(15_000) });
  if (response.status === 404) {
    await response.body?.cancel();
    return undefined;
  }
  if (!response.ok) throw new Error(`registry answered ${response.status}: ${(await response.text()).slice(0, 200)}`);
  const parsed = NpmDistTagsSchema.safeParse(await response.json().catch(() => undefined));
  if (!parsed.success) throw new Error("registry answer has no latest dist-tag");
  return normalizeVersion(parsed.data.latest);
}

/** `clawhip update check`: the registry's latest against what runs, without a daemon. */
export async function checkForUpdate(
  fetcher: typeof fetch,
  registry: string,
  packageName: string,
  current: string,
): Promise<ClawhipUpdateCheck> {
  const latest = await latestVersion(fetcher, registry, packageName);
  const available = latest !== undefined && isNewer(latest, current);
  return {
    current_version: current,
    latest_version: latest ?? null,
    update_available: available,
    release_url: latest === undefined ? null : releaseUrl(packageName, latest),
  };
}

export interface UpdateCheckerOptions {
  config: ClawhipUpdate;
  packageName: string;
  currentVersion: string;
  fetch: typeof fetch;
  now: () => number;
  emit: (event: IncomingEvent) => Promise<unknown>;
  /** Installs the version (the daemon runs `npm install -g <package>@<version>` from the registry). */
  install: (version: string) => Promise<void>;
  log: (level: "info" | "warn" | "error", message: string) => void;
}

/**
 * The daemon's update lifecycle: checks the registry at start and every `check_interval_secs` while no
 * update is pending, and sends one `custom` alert per newer release found; `approve` installs it and
 * says how that went, `dismiss` forgets it (a later check finds it again).
 */
export class UpdateChecker {
  readonly #options: UpdateCheckerOptions;
  #pending: ClawhipPendingUpdate | undefined;
  #timer: NodeJS.Timeout | undefined;
  #checking: Promise<void> | undefined;
  #closed = false;

  constructor(options: UpdateCheckerOptions) {
    this.#options = options;
  }

  start(): void {
    this.#schedule(0);
  }

  #schedule(delayMs: number): void {
    if (this.#closed) return;
    this.#timer = setTimeout(() => {
      this.#checking = this.checkOnce()
        .catch((error: Error) => this.#options.log("error", `update check failed: ${error.message}`))
        .finally(() => this.#schedule(this.#options.config.check_interval_secs * 1000));
    }, delayMs);
    this.#timer.unref();
  }

  #event(message: string): IncomingEvent {
    const event: IncomingEvent = { kind: "custom", payload: { message }, format: "alert" };
    if (this.#options.config.channel) event.channel = this.#options.config.channel;
    return event;
  }

  /** One look at the registry; a newer release becomes the pending update and is announced. */
  async checkOnce(): Promise<void> {
    if (this.#pending !== undefined) return;
    const { fetch, config, packageName, currentVersion } = this.#options;
    const latest = await latestVersion(fetch, config.registry, packageName);
    if (latest === undefined || !isNewer(latest, currentVersion)) return;
    const pending: ClawhipPendingUpdate = {
      current_version: currentVersion,
      latest_version: latest,
      release_url: releaseUrl(packageName, latest),
      detected_at: new Date(this.#options.now()).toISOString(),
    };
    await this.#options.emit(this.#event(updateMessages.available(currentVersion, latest, pending.release_url)));
    this.#pending = pending;
  }

  status(): ClawhipUpdateStatus {
    return this.#pending === undefined
      ? { pending: false, current_version: this.#options.currentVersion }
      : { pending: true, ...this.#pending };
  }

  /** Installs the pending update and reports the outcome (as an alert, and to the caller). */
  async approve(): Promise<ClawhipPendingUpdate> {
    const update = this.#pending;
    if (update === undefined) throw new UpdateError("no pending update to approve");
    this.#pending = undefined;
    try {
      await this.#options.install(update.latest_version);
    } catch (error) {
      const message = (error as Error).message;
      await this.#options.emit(this.#event(updateMessages.failed(update.latest_version, message)));
      throw new UpdateError(message);
    }
    await this.#options.emit(this.#event(updateMessages.updated(update.latest_version)));
    return update;
  }

  dismiss(): ClawhipPendingUpdate {
    const update = this.#pending;
    if (update === undefined) throw new UpdateError("no pending update to dismiss");
    this.#pending = undefined;
    return update;
  }

  async close(): Promise<void> {
    this.#closed = true;
    clearTimeout(this.#timer);
    await this.#checking;
  }
}
