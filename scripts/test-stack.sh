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
# A queue and worker name of this run's own, so no other worker takes our tasks.
RUN_ID="aligned-test-$$"
export CELERY_QUEUE="$RUN_ID"
# The worker delivers e-mail to files the tests read.
export EMAIL_BACKEND=django.core.mail.backends.filebased.EmailBackend
export EMAIL_FILE_PATH="$PWD/.stack/mail"

$BIN/python scripts/preflight.py chromium postgres redis

mkdir -p .stack
rm -rf .stack/mail
# pytest-django creates the test database as test_<name>; the worker works in it too, and holds
# no connection between tasks so the suite can drop the database at the end.
TEST_DATABASE_URL="${DATABASE_URL%/*}/test_${DATABASE_URL##*/}"
DATABASE_URL="$TEST_DATABASE_URL" CONN_MAX_AGE=0 $BIN/celery -A config worker \
  --queues "$CELERY_QUEUE" --hostname "$RUN_ID@%h" --concurrency 2 --loglevel INFO \
  >.stack/worker.log 2>&1 &
WORKER=$!

stop_worker() {
  kill -TERM "$WORKER" 2>/dev/null || true
  for _ in $(seq 1 50); do kill -0 "$WORKER" 2>/dev/null || break; sleep 0.2; done
  kill -KILL "$WORKER" 2>/dev/null || true
  $BIN/celery -A config purge --queues "$CELERY_QUEUE" --force >/dev/null 2>&1 || true
}
trap stop_worker EXIT

for attempt in $(seq 1 60); do
  if $BIN/celery -A config inspect ping --destination "$RUN_ID@$(hostname)" --timeout 1 >/dev/null 2>&1; then
    echo "Celery worker $RUN_ID is up (pid $WORKER)."
    break
  fi
  if ! kill -0 "$WORKER" 2>/dev/null || [ "$attempt" = 60 ]; then
    echo "The Celery worker did not start; its log says:" >&2
    tail -n 30 .stack/worker.log >&2 || true
    exit 1
  fi
done

$BIN/pytest "$@"
