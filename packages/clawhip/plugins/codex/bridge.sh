#!/bin/sh
# Codex hook bridge: the hook JSON arrives on stdin and goes to `clawhip native hook`, which adds the
# repository, project and tmux context. stdout stays empty: Codex reads a hook's stdout as a decision.
exec clawhip native hook --provider codex "$@" >/dev/null
