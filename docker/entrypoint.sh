#!/bin/sh
# A container entrypoint for an app that migrates before it starts:
#   ENTRYPOINT ["strata-entrypoint"]
#   CMD ["deno", "run", "-A", "main.ts"]
# Waits until the database accepts connections (it may start after the app's
# container), applies the migrations, then replaces this shell with the app, so
# the app runs as PID 1 and gets the container's signals. Any failure stops the
# container with Strata's exit code and one `error:` line; the app never starts
# against an unmigrated database. The database comes from DATABASE_URL (or
# STRATA_URL, POSTGRES_*, .env, strata.json in the working directory).
set -eu
strata wait --timeout "${STRATA_WAIT_TIMEOUT:-60}"
strata upgrade head
exec "$@"
