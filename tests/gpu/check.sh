#!/usr/bin/env bash
# The GPU check: on a machine with an NVIDIA GPU, run the CUDA-marked tests and print the GPU
# benchmarks (training speed beside a naive DataLoader loop, memory and utilisation, several
# small models sharing one GPU). Needs python3 with PyTorch (CUDA), NumPy, pandas,
# scikit-learn, matplotlib and pytest; nothing else of the workflow. Under 5 minutes on one
# H100/H200-class GPU. Usage, from anywhere: bash tests/gpu/check.sh [OUT_DIR] [--table1]
# --table1 then runs tests/gpu/table1.sh (Koo & Eddy's Table 1, under 9 more minutes; its
# inputs are prepared on a CPU first: .venv/bin/python tests/gpu/prepare_table1.py).
set -uo pipefail
cd "$(dirname "$0")/../.."
out=${OUT:-gpu-check}
table1=0
for arg in "$@"; do
  if [[ $arg == --table1 ]]; then table1=1; else out=$arg; fi
done
mkdir -p "$out"
export PYTHONPATH=scripts PYTHONUNBUFFERED=1
python=${PYTHON:-python3}

echo "== machine"
if ! nvidia-smi --query-gpu=name,memory.total,driver_version --format=csv,noheader; then
  echo "check.sh: no NVIDIA GPU or driver here (nvidia-smi failed); this check needs one" >&2
  exit 3
fi
"$python" -c 'import torch; print("torch", torch.__version__, "CUDA", torch.version.cuda,
"devices", torch.cuda.device_count())' || exit 1

echo "== CUDA tests"
"$python" -m pytest -q -p no:cacheprovider -m cuda tests/test_cuda.py 2>&1 | tee "$out/cuda_tests.log"
tests=${PIPESTATUS[0]}

echo "== benchmarks"
"$python" tests/benchmarks/bench_gpu.py 2>&1 | tee "$out/bench_gpu.log"
bench=${PIPESTATUS[0]}

table=0
if (( table1 )); then
  echo "== Table 1"
  bash tests/gpu/table1.sh "$out"
  table=$?
fi

echo "== done: CUDA tests exit $tests, benchmarks exit $bench, Table 1 exit $table (logs in $out/)"
exit $(( tests != 0 || bench != 0 || table != 0 ))
