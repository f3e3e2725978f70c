#!/bin/sh
# Claude Code hook bridge: the hook JSON arrives on stdin and goes to `clawhip native hook`, which adds the
# repository, project and tmux context. stdout stays empty: Claude Code reads a hook's stdout as a decision.
exec clawhip native hook --provider claude-code "$@" >/dev/null
