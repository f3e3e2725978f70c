import type { KichiEnvironment, KichiEnvironments } from "@clawbridge/contracts";

/** The hosted Kichi environments. `test` has no host of its own: the agent or the config names one. */
export const KICHI_ENVIRONMENT_HOSTS: KichiEnvironments = {
  steam: "focus-wss.yahaha.com",
  "steam-playtest": "focus-steam-playtest-wss-int.yahaha.com",
  test: null,
};

export function environmentHost(environment: KichiEnvironment): string | null {
  return KICHI_ENVIRONMENT_HOSTS[environment];
}
