#!/usr/bin/env bash
# Set up motifnet on Debian/Ubuntu: system tools (bedtools) and a pinned Python virtualenv
# in .venv. With --dev also the test tools (a one-node SLURM, Debian's E. coli genome).
# Idempotent: rerunning only installs what is missing.
set -euo pipefail
cd "$(dirname "$0")/.."

dev=false
for arg in "$@"; do
  case "$arg" in
    --dev) dev=true ;;
    *) echo "usage: scripts/setup.sh [--dev]" >&2; exit 2 ;;
  esac
done

say() { printf '[setup] %s\n' "$*"; }

python=${PYTHON:-python3}
if ! "$python" -c 'import sys; sys.exit(sys.version_info[:2] < (3, 11))' 2>/dev/null; then
  echo "[setup] Python >= 3.11 is needed (found: $("$python" --version 2>&1))." >&2
  echo "[setup] Install it (apt-get install python3.11 python3.11-venv) or set PYTHON=/path/to/python3.11." >&2
  exit 1
fi

apt_packages=(bedtools)
$dev && apt_packages+=(bowtie-examples)
missing=()
for package in "${apt_packages[@]}"; do
  dpkg -s "$package" >/dev/null 2>&1 || missing+=("$package")
done
if ((${#missing[@]})); then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    say "installing Debian packages: ${missing[*]}"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
  elif command -v sudo >/dev/null && command -v apt-get >/dev/null; then
    say "installing Debian packages with sudo: ${missing[*]}"
    sudo apt-get update -qq
    sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
  elif ! command -v bedtools >/dev/null; then
    echo "[setup] bedtools is missing and cannot be installed here (no root/apt-get)." >&2
    echo "[setup] Install it: 'sudo apt-get install bedtools', or 'conda install -c bioconda bedtools'," >&2
    echo "[setup] or run the workflow with conda: snakemake --sdm conda --cores all" >&2
    exit 1
  fi
fi

if [ ! -x .venv/bin/python ]; then
  say "creating .venv"
  "$python" -m venv .venv
fi
requirements=requirements.txt
$dev && requirements=requirements-dev.txt
# A stamp of the requirement files' checksum: reinstall only when they change.
stamp=".venv/.installed-$(cat requirements*.txt | sha256sum | cut -c1-16)-$requirements"
if [ -e "$stamp" ]; then
  say "Python packages already installed ($requirements)"
else
  say "installing Python packages ($requirements)"
  .venv/bin/python -m pip install -q --disable-pip-version-check --upgrade pip
  .venv/bin/python -m pip install -q --disable-pip-version-check -r "$requirements"
  touch "$stamp"
fi

if $dev; then
  say "installing the test SLURM cluster packages"
  bash tests/slurm/cluster.sh install
fi
say "done: run the workflow with .venv/bin/snakemake --cores all"
