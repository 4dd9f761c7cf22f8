#!/usr/bin/env bash
# A real one-node SLURM cluster on this machine, for the test suite and for developers.
#
#   tests/slurm/cluster.sh install   apt-get the Debian packages (root; once per machine)
#   tests/slurm/cluster.sh start     munged, mariadbd, slurmdbd, slurmctld, slurmd; wait until usable
#   tests/slurm/cluster.sh stop      cancel jobs, stop every daemon this script started
#   tests/slurm/cluster.sh status    say which daemons run (exit 0 only when all of them do)
#   tests/slurm/cluster.sh env       print `export SLURM_CONF=...` for sbatch/sacct/snakemake
#   tests/slurm/cluster.sh clean     stop, then delete the state dir (database, logs, job state)
#
# start and stop are idempotent. Everything lives in the state dir ($MOTIFNET_SLURM_DIR,
# default /tmp/motifnet-slurm); nothing under /etc is written, so a client needs
# SLURM_CONF=<state dir>/etc/slurm.conf (see `env`). Needs root (daemons run as root,
# munged as munge, mariadbd as mysql). See tests/slurm/README.md.
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
STATE="${MOTIFNET_SLURM_DIR:-/tmp/motifnet-slurm}"
PORT_BASE="${MOTIFNET_SLURM_PORT_BASE:-16817}"
CLUSTER="${MOTIFNET_SLURM_CLUSTER:-motifnet}"
ACCOUNT="${MOTIFNET_SLURM_ACCOUNT:-motifnet}"
PARTITION="${MOTIFNET_SLURM_PARTITION:-main}"
GPU_PARTITION="${MOTIFNET_SLURM_GPU_PARTITION:-gpu}"
NODE="motifnet0"
CTLD_PORT=$PORT_BASE
SLURMD_PORT=$((PORT_BASE + 1))
DBD_PORT=$((PORT_BASE + 2))
DB_PORT=$((PORT_BASE + 3))
PACKAGES=(slurm-wlm slurm-client slurmdbd munge mariadb-server)
DAEMONS=(munged mariadbd slurmdbd slurmctld slurmd)

export SLURM_CONF="$STATE/etc/slurm.conf"
export PATH="$PATH:/usr/sbin:/sbin"  # the daemons live there

log() { printf '[cluster.sh] %s\n' "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }

pidfile() {
    case "$1" in
        munged) echo "$STATE/munge/munged.pid" ;;
        mariadbd) echo "$STATE/mysql-run/mysqld.pid" ;;
        *) echo "$STATE/run/$1.pid" ;;
    esac
}

# The pid of a daemon of ours that is alive, or nothing.
running_pid() {
    local f pid
    f="$(pidfile "$1")"
    [[ -s "$f" ]] || return 1
    pid="$(tr -dc 0-9 <"$f")"
    [[ -n "$pid" ]] && kill -0 "$pid" 2>/dev/null || return 1
    # A stale pid file may name an unrelated process that reused the id.
    [[ "$(cat "/proc/$pid/comm" 2>/dev/null)" == "$1" ]] || return 1
    echo "$pid"
}

wait_for() {  # wait_for SECONDS WHAT CMD...
    local limit=$1 what=$2 t0=$SECONDS
    shift 2
    until "$@" >/dev/null 2>&1; do
        ((SECONDS - t0 < limit)) || die "$what not ready after ${limit}s (logs: $STATE/log, $STATE/mysql-run)"
        sleep 0.5
    done
}

need_root() { [[ $EUID -eq 0 ]] || die "must run as root (the daemons run as root, munge and mysql)"; }

missing_commands() {
    local c
    for c in munged mariadbd mariadb-install-db mariadb slurmdbd slurmctld slurmd sbatch sacct sacctmgr sinfo; do
        command -v "$c" >/dev/null 2>&1 || echo "$c"
    done
}

cmd_install() {
    need_root
    if [[ -z "$(missing_commands)" ]]; then
        log "packages already installed"
        return 0
    fi
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -q
    apt-get install -y -q --no-install-recommends "${PACKAGES[@]}"
}

render() {  # render TEMPLATE DEST
    local mem_mb cpus host
    cpus="${MOTIFNET_SLURM_CPUS:-$(nproc)}"
    # 80% of the machine, but at least 16 GB so that the profile's training request
    # (8 GB) schedules on small CI runners; nothing enforces memory here (no cgroups).
    mem_mb="${MOTIFNET_SLURM_MEM_MB:-$(awk '/^MemTotal:/ {m = int($2 / 1024 * 0.8); print (m > 16000 ? m : 16000)}' /proc/meminfo)}"
    host="$(hostname -s)"
    sed -e "s#@STATE@#$STATE#g" -e "s#@HOST@#$host#g" -e "s#@CLUSTER@#$CLUSTER#g" \
        -e "s#@NODE@#$NODE#g" -e "s#@PARTITION@#$PARTITION#g" -e "s#@GPU_PARTITION@#$GPU_PARTITION#g" -e "s#@CPUS@#$cpus#g" \
        -e "s#@MEM_MB@#$mem_mb#g" -e "s#@DEF_MEM_PER_CPU@#$((mem_mb / cpus / 4))#g" \
        -e "s#@CTLD_PORT@#$CTLD_PORT#g" -e "s#@SLURMD_PORT@#$SLURMD_PORT#g" \
        -e "s#@DBD_PORT@#$DBD_PORT#g" -e "s#@DB_PORT@#$DB_PORT#g" \
        -e "s#@DB_PASS@#$(cat "$STATE/etc/dbpass")#g" "$1" >"$2"
}

write_configs() {
    mkdir -p "$STATE"/{etc,run,log,ctld,slurmd,dev,munge,mysql,mysql-run}
    chmod 755 "$STATE"
    [[ -s "$STATE/etc/dbpass" ]] || (umask 077; head -c 18 /dev/urandom | base64 | tr -dc A-Za-z0-9 >"$STATE/etc/dbpass")
    render "$HERE/slurm.conf.in" "$STATE/etc/slurm.conf"
    render "$HERE/gres.conf.in" "$STATE/etc/gres.conf"
    render "$HERE/mariadb.cnf.in" "$STATE/etc/mariadb.cnf"
    (umask 077; render "$HERE/slurmdbd.conf.in" "$STATE/etc/slurmdbd.conf")
    chmod 600 "$STATE/etc/slurmdbd.conf"
    # The fake GPU: any character device will do; slurm only needs the file to exist.
    [[ -e "$STATE/dev/fakegpu0" ]] || mknod "$STATE/dev/fakegpu0" c 1 3 2>/dev/null \
        || ln -s /dev/null "$STATE/dev/fakegpu0"  # where mknod is not allowed
    chown munge:munge "$STATE/munge"
    chmod 755 "$STATE/munge"
    chown mysql:mysql "$STATE/mysql" "$STATE/mysql-run"
}

start_munged() {
    local key="$STATE/munge/munge.key"
    if [[ ! -s "$key" ]]; then
        (umask 077; head -c 1024 /dev/urandom >"$key")
        chown munge:munge "$key"
        chmod 400 "$key"
    fi
    runuser -u munge -- munged --socket="$STATE/munge/munge.socket.2" --key-file="$key" \
        --pid-file="$(pidfile munged)" --log-file="$STATE/munge/munged.log" \
        --seed-file="$STATE/munge/munged.seed" </dev/null >/dev/null 2>&1
    wait_for 20 munged munge -S "$STATE/munge/munge.socket.2" -n
}

# snakemake-executor-plugin-slurm-jobstep drops SLURM_CONF (with every SLURM_* variable
# but the job's identity) before its inner `srun`, so that srun only finds the config at
# the compiled-in default path: point /etc/slurm/slurm.conf at ours, but never replace a
# real one.
SYSTEM_CONF=/etc/slurm/slurm.conf

link_system_conf() {
    if [[ -L "$SYSTEM_CONF" || ! -e "$SYSTEM_CONF" ]]; then
        mkdir -p "$(dirname "$SYSTEM_CONF")"
        ln -sfn "$SLURM_CONF" "$SYSTEM_CONF"
    elif [[ "$(readlink -f "$SYSTEM_CONF")" != "$SLURM_CONF" ]]; then
        log "WARNING: $SYSTEM_CONF is a real file; srun inside Snakemake jobs will read it, not $SLURM_CONF"
    fi
}

unlink_system_conf() {
    if [[ -L "$SYSTEM_CONF" && "$(readlink "$SYSTEM_CONF")" == "$SLURM_CONF" ]]; then
        rm -f "$SYSTEM_CONF"
    fi
}

sql() { mariadb --no-defaults -S "$STATE/mysql-run/mysqld.sock" -u root -e "$1"; }

start_mariadbd() {
    local cnf="$STATE/etc/mariadb.cnf"
    if [[ ! -d "$STATE/mysql/mysql" ]]; then
        log "initialising the accounting database in $STATE/mysql"
        mariadb-install-db --defaults-file="$cnf" --auth-root-authentication-method=socket \
            --skip-test-db >"$STATE/log/mariadb-install-db.log" 2>&1 \
            || die "mariadb-install-db failed, see $STATE/log/mariadb-install-db.log"
    fi
    setsid mariadbd --defaults-file="$cnf" </dev/null >/dev/null 2>&1 &
    wait_for 60 mariadbd sql "SELECT 1"
    local pw
    pw="$(cat "$STATE/etc/dbpass")"
    sql "CREATE DATABASE IF NOT EXISTS slurm_acct_db;
         CREATE USER IF NOT EXISTS 'slurm'@'127.0.0.1' IDENTIFIED BY '$pw';
         CREATE USER IF NOT EXISTS 'slurm'@'localhost' IDENTIFIED BY '$pw';
         GRANT ALL ON slurm_acct_db.* TO 'slurm'@'127.0.0.1';
         GRANT ALL ON slurm_acct_db.* TO 'slurm'@'localhost';"
}

has_line() {  # has_line WORD CMD...: CMD prints WORD as one of its lines
    local word=$1
    shift
    "$@" 2>/dev/null | grep -qx "$word"
}

start_slurmdbd() {
    slurmdbd </dev/null >/dev/null 2>&1
    wait_for 60 slurmdbd sacctmgr -n list cluster
    has_line "$CLUSTER" sacctmgr -n -P list cluster format=cluster \
        || sacctmgr -i add cluster "$CLUSTER" >/dev/null
}

start_slurmctld() {
    slurmctld </dev/null >/dev/null 2>&1
    wait_for 60 slurmctld scontrol ping
}

start_slurmd() {
    slurmd -N "$NODE" </dev/null >/dev/null 2>&1
    wait_for 60 "node $NODE" node_usable
}

node_usable() {
    local s
    s="$(sinfo -h -n "$NODE" -o %T)"
    [[ "$s" == idle* || "$s" == mixed* || "$s" == allocated* ]]
}

register_account() {
    has_line "$ACCOUNT" sacctmgr -n -P list account format=account \
        || sacctmgr -i add account "$ACCOUNT" Description="motifnet tests" Organization=motifnet >/dev/null
    has_line "$ACCOUNT" sacctmgr -n -P list association user=root format=account \
        || sacctmgr -i add user root Account="$ACCOUNT" >/dev/null
    has_line "$ACCOUNT" sacctmgr -n -P list user root format=defaultaccount \
        || sacctmgr -i modify user root set DefaultAccount="$ACCOUNT" >/dev/null
}

cmd_start() {
    need_root
    local missing t0=$SECONDS d started=()
    missing="$(missing_commands | tr '\n' ' ')"
    [[ -z "$missing" ]] || die "missing commands: $missing(run: $0 install)"
    running_pid slurmctld >/dev/null || running_pid slurmd >/dev/null || write_configs
    link_system_conf
    for d in "${DAEMONS[@]}"; do
        running_pid "$d" >/dev/null && continue
        "start_$d"
        started+=("$d")
    done
    wait_for 60 "node $NODE" node_usable
    register_account
    wait_for 30 sacct sacct -n -X -S now-1minute
    if ((${#started[@]})); then
        log "started ${started[*]} in $((SECONDS - t0)) s; export SLURM_CONF=$SLURM_CONF"
    else
        log "already running ($STATE)"
    fi
}

stop_daemon() {
    local pid i
    pid="$(running_pid "$1")" || return 0
    kill -TERM "$pid"
    for ((i = 0; i < 60; i++)); do
        kill -0 "$pid" 2>/dev/null || return 0
        sleep 0.5
    done
    log "$1 ($pid) ignored SIGTERM for 30 s; sending SIGKILL"
    kill -KILL "$pid" 2>/dev/null || true
}

cmd_stop() {
    local d i
    if running_pid slurmctld >/dev/null; then
        scancel --quiet --user=root 2>/dev/null || true
        for ((i = 0; i < 30; i++)); do
            [[ -z "$(squeue -h -o %A 2>/dev/null)" ]] && break
            sleep 0.5
        done
    fi
    for ((i = ${#DAEMONS[@]} - 1; i >= 0; i--)); do
        d="${DAEMONS[i]}"
        stop_daemon "$d"
    done
    unlink_system_conf
    log "stopped"
}

cmd_status() {
    local d pid rc=0
    for d in "${DAEMONS[@]}"; do
        if pid="$(running_pid "$d")"; then
            echo "$d: running (pid $pid)"
        else
            echo "$d: stopped"
            rc=3
        fi
    done
    if ((rc == 0)); then
        node_usable || rc=3
        sinfo -N -o "%N %P %T %c %m %G" || rc=3
    fi
    return $rc
}

cmd_clean() {
    cmd_stop
    rm -rf "$STATE"
    log "removed $STATE"
}

case "${1:-}" in
    install) cmd_install ;;
    start) cmd_start ;;
    stop) cmd_stop ;;
    status) cmd_status ;;
    env) echo "export SLURM_CONF=$SLURM_CONF" ;;
    clean) cmd_clean ;;
    *) echo "usage: $0 install|start|stop|status|env|clean" >&2; exit 2 ;;
esac
