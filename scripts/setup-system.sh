#!/usr/bin/env bash
# Installs the system packages the test suites need (Debian), idempotently. Run by `pnpm test`;
# safe to run by hand. Nothing here is needed to use the packages, only to test them.
set -euo pipefail

need_apt=()
# Headless Chromium for the OpenMeow web browser test (playwright-core drives /usr/bin/chromium) and
# the Rome app-runtime browser helpers test (DevTools protocol over a WebSocket).
[[ -x /usr/bin/chromium ]] || need_apt+=(chromium)
# tmux for the clawhip hook-context and tmux monitor tests (a private server on a temp socket).
[[ -x /usr/bin/tmux ]] || need_apt+=(tmux)
# nats-server for the clawhip cluster-mode tests (each starts its own `nats-server -js` on a free loopback port).
[[ -x /usr/sbin/nats-server ]] || need_apt+=(nats-server)

if ((${#need_apt[@]} > 0)); then
  if [[ $(id -u) -ne 0 ]]; then
    echo "setup-system: missing ${need_apt[*]}; rerun as root or install them with apt-get" >&2
    exit 1
  fi
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${need_apt[@]}"
fi
