#!/usr/bin/env bash
# pg.sh runs a throwaway PostgreSQL server for tests.
#
#   scripts/pg.sh start DIR   # prints the DSN to export as BULKHEAD_TEST_POSTGRES
#   PG_DURABLE=1 scripts/pg.sh start DIR   # the same with fsync and synchronous commits on
#   scripts/pg.sh stop DIR
#
# DIR is an empty directory made by the caller (e.g. d=$(mktemp -d)); it
# holds the cluster (DIR/data), its log (DIR/postgres.log) and the Unix
# socket the server listens on (no TCP). Authentication is "trust" for the
# superuser "postgres". Without initdb/pg_ctl on PATH or under
# /usr/lib/postgresql/*/bin, Debian's postgresql package is installed. As
# root, the server runs as the unprivileged user "postgres" (created if need
# be), since PostgreSQL refuses to run as root. Progress goes to stderr; stdout
# carries only the DSN.
set -euo pipefail

log() { printf 'pg.sh: %s\n' "$*" >&2; }
die() {
	log "error: $*"
	exit 1
}

usage() { die "usage: $0 start|stop DIR"; }

# find_bin sets BIN to the directory holding initdb and pg_ctl, or fails.
find_bin() {
	local p
	# Resolve symbolic links: the directory they point into also holds
	# pg_isready and the postgres binary.
	if p=$(command -v pg_ctl 2>/dev/null) && p=$(dirname "$(readlink -f "$p")") && [[ -x $p/initdb ]]; then
		BIN=$p
		return 0
	fi
	# Debian keeps server binaries off PATH; take the newest version.
	for p in $(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V -r); do
		if [[ -x "$p/initdb" && -x "$p/pg_ctl" ]]; then
			BIN=$p
			return 0
		fi
	done
	return 1
}

install_postgres() {
	local sudo=()
	if [[ $(id -u) -ne 0 ]]; then
		command -v sudo >/dev/null 2>&1 || die "PostgreSQL is not installed and neither root nor sudo is available to install it"
		sudo=(sudo)
	fi
	command -v apt-get >/dev/null 2>&1 || die "PostgreSQL is not installed and apt-get is missing; install PostgreSQL (initdb, pg_ctl) first"
	log "installing PostgreSQL with apt-get"
	"${sudo[@]}" apt-get update >&2
	"${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends postgresql >&2
}

# as_owner runs a command as the user that owns the cluster: the caller
# itself, or RUNAS when the caller is root.
as_owner() {
	if [[ -n ${RUNAS:-} ]]; then
		runuser -u "$RUNAS" -- "$@"
	else
		"$@"
	fi
}

# pick_runas sets RUNAS when running as root, creating the user if need be.
pick_runas() {
	RUNAS=
	[[ $(id -u) -eq 0 ]] || return 0
	RUNAS=postgres
	if ! id -u "$RUNAS" >/dev/null 2>&1; then
		log "creating system user $RUNAS"
		useradd --system --user-group --no-create-home --home-dir /nonexistent --shell /usr/sbin/nologin "$RUNAS" >&2
	fi
	command -v runuser >/dev/null 2>&1 || die "runuser is missing (util-linux); cannot drop root for PostgreSQL"
}

# free_port prints a port whose socket name is unused in DIR and that no
# server listens on over TCP either (the port also keys shared memory).
free_port() {
	local dir=$1 port i
	for i in $(seq 1 50); do
		port=$((20000 + (RANDOM * 32768 + RANDOM + $$) % 40000))
		[[ -e "$dir/.s.PGSQL.$port" ]] && continue
		if command -v ss >/dev/null 2>&1 && ss -Hltn "sport = :$port" 2>/dev/null | grep -q .; then
			continue
		fi
		echo "$port"
		return 0
	done
	die "no free port found"
}

start() {
	local dir=$1
	[[ -d $dir ]] || die "$dir is not a directory"
	dir=$(cd "$dir" && pwd -P)
	[[ $dir =~ ^[A-Za-z0-9_./-]+$ ]] || die "$dir: use a directory path without spaces or special characters"
	[[ -e $dir/data ]] && die "$dir/data exists; use a fresh directory"
	if ! find_bin; then
		install_postgres
		find_bin || die "initdb/pg_ctl still not found after installing PostgreSQL"
	fi
	log "using $BIN"
	pick_runas
	local port
	port=$(free_port "$dir")
	# A Unix socket path is limited to 107 bytes.
	((${#dir} + 18 < 108)) || die "$dir is too long for a Unix socket path; use a shorter one (e.g. under /tmp)"

	if [[ -n $RUNAS ]]; then
		chown "$RUNAS:" "$dir"
		chmod 0700 "$dir"
		as_owner test -w "$dir" ||
			die "user $RUNAS cannot reach $dir: every parent directory must be searchable by others (e.g. use mktemp -d under /tmp)"
	fi
	echo "$BIN" >"$dir/bin"

	log "initdb in $dir/data"
	as_owner "$BIN/initdb" -D "$dir/data" --auth=trust -U postgres --locale=C --encoding=UTF8 --no-sync >"$dir/initdb.log" 2>&1 ||
		{
			cat "$dir/initdb.log" >&2
			die "initdb failed"
		}

	log "starting on socket $dir port $port"
	local opts="-c listen_addresses='' -c unix_socket_directories='$dir' -p $port"
	opts+=" -c max_connections=300"
	# Tests trade durability for speed; PG_DURABLE=1 keeps PostgreSQL's
	# defaults (for benchmarks of durable commits).
	[[ ${PG_DURABLE:-} == 1 ]] || opts+=" -c fsync=off -c synchronous_commit=off -c full_page_writes=off"
	if ! as_owner "$BIN/pg_ctl" -D "$dir/data" -l "$dir/postgres.log" -w -t 60 -o "$opts" start >&2; then
		cat "$dir/postgres.log" >&2 || true
		die "pg_ctl start failed"
	fi
	echo "$port" >"$dir/port"

	local isready=$BIN/pg_isready i
	[[ -x $isready ]] || isready=$(command -v pg_isready) || die "pg_isready not found"
	for i in $(seq 1 60); do
		if "$isready" -q -h "$dir" -p "$port" -U postgres -d postgres; then
			log "ready"
			printf 'host=%s port=%s user=postgres dbname=postgres sslmode=disable\n' "$dir" "$port"
			return 0
		fi
		sleep 0.5
	done
	cat "$dir/postgres.log" >&2 || true
	die "server did not become ready"
}

stop() {
	local dir=$1
	[[ -d $dir ]] || die "$dir is not a directory"
	dir=$(cd "$dir" && pwd -P)
	if [[ ! -f $dir/data/postmaster.pid ]]; then
		log "no server running in $dir"
		return 0
	fi
	if [[ -f $dir/bin ]]; then
		BIN=$(cat "$dir/bin")
	else
		find_bin || die "pg_ctl not found"
	fi
	RUNAS=
	if [[ $(id -u) -eq 0 ]]; then
		RUNAS=$(stat -c %U "$dir/data")
		[[ $RUNAS == root ]] && RUNAS=
	fi
	if ! as_owner "$BIN/pg_ctl" -D "$dir/data" status >/dev/null 2>&1; then
		log "no server running in $dir"
		return 0
	fi
	log "stopping the server in $dir"
	as_owner "$BIN/pg_ctl" -D "$dir/data" -m fast -w -t 60 stop >&2
}

[[ $# -eq 2 ]] || usage
case $1 in
start) start "$2" ;;
stop) stop "$2" ;;
*) usage ;;
esac
