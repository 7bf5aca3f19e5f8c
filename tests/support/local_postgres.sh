# Sourced by scripts (under `set -e` the caller writes `start_local_postgres DIR || exit $?`) that need a throw-away PostgreSQL server: start_local_postgres <folder>
# starts one from Debian's packages (initdb + pg_ctl, trust auth, loopback, a random port) and
# sets PG_URL and PG_BIN; stop_local_postgres stops it. Returns 77 when the server programs are
# missing (CTest's skip code), so callers can `|| exit $?`.

start_local_postgres() {
  local folder=$1
  PG_BIN=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true)
  if [ -z "$PG_BIN" ] || [ ! -x "$PG_BIN/initdb" ] || [ ! -x "$PG_BIN/pg_ctl" ] || [ ! -x "$PG_BIN/psql" ]; then
    echo "SKIP: PostgreSQL server programs not found in /usr/lib/postgresql/<version>/bin (Debian package postgresql)"
    return 77
  fi
  # The server refuses to run as root; then it runs as Debian's 'postgres' user.
  PG_AS_SERVER_USER=()
  if [ "$(id -u)" -eq 0 ]; then
    if ! id postgres >/dev/null 2>&1; then
      echo "SKIP: running as root and there is no 'postgres' user to run the server as"
      return 77
    fi
    PG_AS_SERVER_USER=(runuser -u postgres --)
  fi
  PG_DATA="$folder/pgdata"
  mkdir -p "$PG_DATA"
  chmod 755 "$folder"
  if [ "${#PG_AS_SERVER_USER[@]}" -gt 0 ]; then chown postgres "$PG_DATA"; fi
  "${PG_AS_SERVER_USER[@]}" "$PG_BIN/initdb" -D "$PG_DATA" -U backdrop -A trust --no-sync >"$folder/initdb.log" || return 1
  # A random port below Linux's ephemeral range (32768 and up), so that no outgoing connection holds
  # it; another test's server may still, so a start that fails is tried again on another port.
  local port attempt
  for attempt in 1 2 3 4 5; do
    port=$((20000 + RANDOM % 12768))
    if "${PG_AS_SERVER_USER[@]}" "$PG_BIN/pg_ctl" -D "$PG_DATA" -l "$PG_DATA/server.log" -w \
      -o "-p $port -k $PG_DATA -c listen_addresses=127.0.0.1" start >/dev/null; then
      PG_URL="postgresql://backdrop@127.0.0.1:$port/postgres"
      return 0
    fi
    echo "PostgreSQL did not start on port $port (attempt $attempt):"
    tail -n 3 "$PG_DATA/server.log"
  done
  return 1
}

stop_local_postgres() {
  if [ -n "${PG_DATA:-}" ]; then
    "${PG_AS_SERVER_USER[@]}" "$PG_BIN/pg_ctl" -D "$PG_DATA" -m immediate stop >/dev/null 2>&1 || true
  fi
}
