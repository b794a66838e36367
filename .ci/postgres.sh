#!/usr/bin/env bash
# A throwaway PostgreSQL + PostGIS server for the tests: a new cluster in a temporary folder,
# listening on a free port of 127.0.0.1 only, TLS required (a CA made here with openssl signs the
# server's certificate), password (SCRAM) authentication for the user `raidmap`.
#
#   source .ci/postgres.sh        start it and export, for the tests:
#       RAIDMAP_TEST_PG          postgresql://raidmap@127.0.0.1:PORT/raidmap (no table, no password)
#       RAIDMAP_TEST_PGPASSWORD  the user's password (random, made now)
#       RAIDMAP_TEST_PG_CA       the CA certificate that signed the server's (for sslrootcert=)
#       RAIDMAP_TEST_PG_DIR      the cluster's folder (for `stop`)
#   bash .ci/postgres.sh stop     stop the server named by RAIDMAP_TEST_PG_DIR and delete its folder
#
# Needs the Debian packages postgresql, postgis and openssl (.ci/run installs them). Works as root
# (the server runs as the `postgres` user) or as any other user (it runs as that user).

pg_stop() {
  local dir="${RAIDMAP_TEST_PG_DIR:-}"
  [ -n "$dir" ] && [ -d "$dir" ] || { echo "postgres.sh: no test cluster to stop" >&2; return 0; }
  local bin; bin="$(cat "$dir/bin")"
  if [ "$(id -u)" -eq 0 ]; then
    runuser -u postgres -- "$bin/pg_ctl" -D "$dir/data" -m fast -w stop >/dev/null || true
  else
    "$bin/pg_ctl" -D "$dir/data" -m fast -w stop >/dev/null || true
  fi
  rm -rf "$dir"
}

# Every step checks itself (no `set -e`: this file is sourced and must not change the caller's
# shell options).
pg_start() {
  local bin
  bin="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)"
  [ -x "$bin/initdb" ] || { echo "postgres.sh: PostgreSQL is not installed (apt-get install postgresql postgis)" >&2; return 1; }
  local dir; dir="$(mktemp -d /tmp/raidmap-pg.XXXXXX)" || return 1
  chmod 755 "$dir"
  echo "$bin" >"$dir/bin"
  local as=()
  if [ "$(id -u)" -eq 0 ]; then as=(runuser -u postgres --); chown postgres "$dir"; fi

  local password; password="$(openssl rand -hex 24)" || return 1
  # A CA, and a server certificate for 127.0.0.1 and localhost signed by it.
  (
    set -e
    cd "$dir"
    openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj "/CN=raidmap test CA" \
      -keyout ca.key -out ca.crt 2>/dev/null
    openssl req -newkey rsa:2048 -nodes -subj "/CN=127.0.0.1" -keyout server.key \
      -out server.csr 2>/dev/null
    printf 'subjectAltName=IP:127.0.0.1,DNS:localhost\nbasicConstraints=CA:FALSE\n' >ext.cnf
    openssl x509 -req -in server.csr -CA ca.crt -CAkey ca.key -CAcreateserial -days 2 \
      -extfile ext.cnf -out server.crt 2>/dev/null
    chmod 600 server.key
    rm -f ca.key server.csr ext.cnf
  ) || { echo "postgres.sh: openssl could not make the certificates" >&2; return 1; }
  [ ${#as[@]} -eq 0 ] || chown postgres "$dir/server.key" "$dir/server.crt"

  printf '%s\n' "$password" >"$dir/pwfile"
  [ ${#as[@]} -eq 0 ] || chown postgres "$dir/pwfile"
  "${as[@]}" "$bin/initdb" -D "$dir/data" -U raidmap --pwfile="$dir/pwfile" \
    --auth-local=scram-sha-256 --auth-host=scram-sha-256 -E UTF8 --locale=C.UTF-8 >/dev/null \
    || { echo "postgres.sh: initdb failed" >&2; return 1; }
  rm -f "$dir/pwfile"
  # Only TLS connections from 127.0.0.1, with a password.
  cat >"$dir/data/pg_hba.conf" <<EOF
local   all  all                 scram-sha-256
hostssl all  all  127.0.0.1/32   scram-sha-256
EOF

  # A free port: the first of a few random ones nothing answers on.
  local port
  for _ in $(seq 50); do
    port=$((20000 + RANDOM % 40000))
    (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null || break
  done
  "${as[@]}" "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -o \
    "-c listen_addresses=127.0.0.1 -p $port -k $dir -c ssl=on -c ssl_cert_file=$dir/server.crt -c ssl_key_file=$dir/server.key -c fsync=off -c max_connections=100" \
    start >/dev/null || { cat "$dir/server.log" >&2; return 1; }
  PGPASSWORD="$password" "${as[@]}" "$bin/psql" -q -h "$dir" -p "$port" -U raidmap -d postgres \
    -c "CREATE DATABASE raidmap" >/dev/null || return 1
  PGPASSWORD="$password" "${as[@]}" "$bin/psql" -q -h "$dir" -p "$port" -U raidmap -d raidmap \
    -c "CREATE EXTENSION postgis" >/dev/null || return 1

  export RAIDMAP_TEST_PG="postgresql://raidmap@127.0.0.1:$port/raidmap"
  export RAIDMAP_TEST_PGPASSWORD="$password"
  export RAIDMAP_TEST_PG_CA="$dir/ca.crt"
  export RAIDMAP_TEST_PG_DIR="$dir"
  # For a person at a shell: `source $dir/env` gives another shell the same server.
  {
    echo "export RAIDMAP_TEST_PG='$RAIDMAP_TEST_PG'"
    echo "export RAIDMAP_TEST_PGPASSWORD='$password'"
    echo "export RAIDMAP_TEST_PG_CA='$RAIDMAP_TEST_PG_CA'"
    echo "export RAIDMAP_TEST_PG_DIR='$dir'"
  } >"$dir/env"
  chmod 600 "$dir/env"
  echo "postgres.sh: PostgreSQL + PostGIS on 127.0.0.1:$port (TLS, CA $dir/ca.crt)" >&2
}

if [ "${1:-}" = "stop" ]; then
  pg_stop
else
  pg_start
fi
