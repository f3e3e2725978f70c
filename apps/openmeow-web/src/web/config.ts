export interface AppConfig {
  gateway: string;
  token?: string;
  password?: string;
  /** How long one `wait` call waits before the UI shows the wait-deadline badge. */
  waitMs: number;
}

/**
 * Reads the gateway URL and secret from the page's fragment (`#gateway=ws://…&token=…`), which the
 * browser never sends to a server; the query string is read too, for links that cannot use a fragment.
 * Without a gateway it defaults to the page's own host on the local host's default port.
 */
export function parseAppConfig(location: { hash: string; search: string; hostname: string }): AppConfig {
  const params = new URLSearchParams(location.search);
  for (const [key, value] of new URLSearchParams(location.hash.replace(/^#/, ""))) params.set(key, value);
  const waitMs = Number(params.get("waitMs"));
  const config: AppConfig = {
    gateway: params.get("gateway") ?? `ws://${location.hostname || "127.0.0.1"}:18789`,
    waitMs: Number.isFinite(waitMs) && waitMs > 0 ? waitMs : 5_000,
  };
  const token = params.get("token");
  const password = params.get("password");
  if (token) config.token = token;
  if (password) config.password = password;
  return config;
}
