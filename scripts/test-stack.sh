#!/usr/bin/env bash
# The whole suite on the stack: PostgreSQL, Redis, and a real Celery worker in its own process,
# started here and stopped when the suite ends (however it ends).
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=.venv/bin

export DATABASE_URL="${STACK_DATABASE_URL:-postgres://postgres@127.0.0.1:5432/aligned}"
export REDIS_URL="${STACK_REDIS_URL:-redis://127.0.0.1:6379/14}"
# The suite clears the cache before each test; keep it apart from the broker's queues.
export REDIS_CACHE_URL="${STACK_REDIS_CACHE_URL:-redis://127.0.0.1:6379/15}"
# The suite runs in WORKERS test processes (pytest-xdist), each with a Celery worker of its own:
# its own queue and worker name (so no other worker takes its tasks), its own test database
# (pytest-django names it test_<name>_gw<N>), cache database and mail folder. config/settings.py
# gives a test process its NAME_GW<N> values.
WORKERS="${PYTEST_WORKERS:-2}"
case "$WORKERS" in
  '' | *[!0-9]*) echo "PYTEST_WORKERS must be a number of test processes (got '$WORKERS')." >&2; exit 2 ;;
esac
if [ "$WORKERS" -lt 1 ]; then WORKERS=1; fi
for arg in "$@"; do
  case "$arg" in
    -n | -n* | --numprocesses* | --dist* | no:xdist)
      echo "Set PYTEST_WORKERS (0 or 1 for one process) instead of passing $arg: each test process needs its own Celery worker." >&2
      exit 2 ;;
  esac
done
RUN_ID="aligned-test-$$"
# The worker delivers e-mail to files the tests read.
export EMAIL_BACKEND=django.core.mail.backends.filebased.EmailBackend

$BIN/python scripts/preflight.py chromium postgres redis

mkdir -p .stack
rm -rf .stack/mail

# Each Celery worker holds no connection between tasks, so the suite can drop its database at the end.
DATABASE_PATH="${DATABASE_URL%%\?*}"
DATABASE_QUERY="${DATABASE_URL#"$DATABASE_PATH"}"
TEST_DATABASE="${DATABASE_PATH%/*}/test_${DATABASE_PATH##*/}"
# The cache databases: the given one for the first test process, then the highest numbers free
# (never the broker's: the suite empties each test process's cache database before every test).
REDIS_BASE="${REDIS_CACHE_URL%/*}"
CACHE_DB="${REDIS_CACHE_URL##*/}"
BROKER_DB="${REDIS_URL##*/}"
case "$CACHE_DB$BROKER_DB" in
  '' | *[!0-9]*) echo "REDIS_URL and REDIS_CACHE_URL must each end in a database number (redis://127.0.0.1:6379/15)." >&2; exit 2 ;;
esac
if [ "$CACHE_DB" = "$BROKER_DB" ]; then
  echo "The cache and the broker need two Redis databases (both are $CACHE_DB)." >&2
  exit 2
fi
CACHE_DBS=("$CACHE_DB")
for db in $(seq 15 -1 0); do
  [ "${#CACHE_DBS[@]}" -ge "$WORKERS" ] && break
  if [ "$db" != "$BROKER_DB" ] && [ "$db" != "$CACHE_DB" ]; then CACHE_DBS+=("$db"); fi
done
if [ "${#CACHE_DBS[@]}" -lt "$WORKERS" ]; then
  echo "Redis has 16 databases: too few for $WORKERS test processes besides the broker's." >&2
  exit 2
fi
PIDS=()
NAMES=()
QUEUES=()
for n in $(seq 0 $((WORKERS - 1))); do
  queue="$RUN_ID-gw$n"
  db="${CACHE_DBS[$n]}"
  export "CELERY_QUEUE_GW$n=$queue" "EMAIL_FILE_PATH_GW$n=$PWD/.stack/mail/gw$n" \
    "REDIS_CACHE_URL_GW$n=$REDIS_BASE/$db"
  database="$TEST_DATABASE$DATABASE_QUERY"
  if [ "$WORKERS" -gt 1 ]; then database="${TEST_DATABASE}_gw$n$DATABASE_QUERY"; fi
  DATABASE_URL="$database" CONN_MAX_AGE=0 CELERY_QUEUE="$queue" \
    EMAIL_FILE_PATH="$PWD/.stack/mail/gw$n" REDIS_CACHE_URL="$REDIS_BASE/$db" \
    $BIN/celery -A config worker --queues "$queue" --hostname "$queue@%h" --concurrency 2 \
    --loglevel INFO >".stack/worker-gw$n.log" 2>&1 &
  PIDS+=($!)
  NAMES+=("$queue@$(hostname)")
  QUEUES+=("$queue")
done
if [ "$WORKERS" -gt 1 ]; then
  PARALLEL=(-n "$WORKERS" --dist loadfile)
else
  # One test process without xdist: it takes the plain variables.
  export CELERY_QUEUE="${QUEUES[0]}" EMAIL_FILE_PATH="$PWD/.stack/mail/gw0"
  PARALLEL=()
fi

stop_workers() {
  kill -TERM "${PIDS[@]}" 2>/dev/null || true
  for _ in $(seq 1 50); do
    alive=0
    for pid in "${PIDS[@]}"; do kill -0 "$pid" 2>/dev/null && alive=1; done
    [ "$alive" = 0 ] && break
    sleep 0.2
  done
  kill -KILL "${PIDS[@]}" 2>/dev/null || true
  for queue in "${QUEUES[@]}"; do
    $BIN/celery -A config purge --queues "$queue" --force >/dev/null 2>&1 || true
  done
  # A test database pytest could not drop (a worker still held a connection: pytest warns) goes
  # now that the workers are gone.
  $BIN/python - "${DATABASE_PATH%/*}/postgres" "${TEST_DATABASE##*/}" "$WORKERS" <<'PY' || true
import sys

import psycopg

server, name, workers = sys.argv[1], sys.argv[2], int(sys.argv[3])
names = [name] if workers == 1 else [f"{name}_gw{n}" for n in range(workers)]
with psycopg.connect(server, autocommit=True, connect_timeout=5) as connection:
    for database in names:
        connection.execute(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')
PY
}
trap stop_workers EXIT

for i in "${!NAMES[@]}"; do
  for attempt in $(seq 1 60); do
    if $BIN/celery -A config inspect ping --destination "${NAMES[$i]}" --timeout 1 >/dev/null 2>&1; then
      echo "Celery worker ${NAMES[$i]} is up (pid ${PIDS[$i]})."
      break
    fi
    if ! kill -0 "${PIDS[$i]}" 2>/dev/null || [ "$attempt" = 60 ]; then
      echo "The Celery worker ${NAMES[$i]} did not start; its log says:" >&2
      tail -n 30 ".stack/worker-gw$i.log" >&2 || true
      exit 1
    fi
  done
done

$BIN/pytest "${PARALLEL[@]}" "$@"
