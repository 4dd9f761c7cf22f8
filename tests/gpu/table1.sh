#!/usr/bin/env bash
# Koo & Eddy's Table 1 on one GPU in one call: every variant of the prepared manifest x its
# trials under the paper's protocol, trained several per GPU through the package's GPU slots,
# filters named with the builtin TomTom and the calibrated call, Table 1 printed beside the
# paper, plus the promoter_cnn seconds per epoch. Needs python3 with PyTorch (CUDA), NumPy,
# pandas, scikit-learn, numba and matplotlib; nothing else of the workflow.
#
# Inputs, prepared beforehand on a CPU with the workflow installed (about 25 MB):
#     .venv/bin/python tests/gpu/prepare_table1.py      # -> tests/gpu/table1-inputs/
# Usage, from anywhere: bash tests/gpu/table1.sh [OUT_DIR] [table1.py options]
# (default OUT_DIR: $OUT, else gpu-check/). Exit status: 0 done, 1 a job failed or none
# finished, 2 inputs missing, 3 no CUDA (MOTIFNET_TABLE1_ALLOW_CPU=1 or --allow-cpu runs on
# the CPU: tiny inputs only).
set -uo pipefail
cd "$(dirname "$0")/../.."
out=${OUT:-gpu-check}
if [[ $# -gt 0 && $1 != -* ]]; then out=$1; shift; fi
mkdir -p "$out"
export PYTHONPATH=scripts${PYTHONPATH:+:$PYTHONPATH} PYTHONUNBUFFERED=1
python=${PYTHON:-python3}
"$python" tests/gpu/table1.py --out "$out" "$@" 2>&1 | tee "$out/table1.log"
exit "${PIPESTATUS[0]}"
