#!/usr/bin/env bash
# The GPU check: on a machine with an NVIDIA GPU, run the CUDA-marked tests and print the GPU
# benchmarks (training speed beside a naive DataLoader loop, memory and utilisation, several
# small models sharing one GPU). Needs python3 with PyTorch (CUDA), NumPy, pandas,
# scikit-learn, matplotlib and pytest; nothing else of the workflow. Under 5 minutes on one
# H100/H200-class GPU. Usage, from anywhere: bash tests/gpu/check.sh [OUT_DIR]
set -uo pipefail
cd "$(dirname "$0")/../.."
out=${1:-${OUT:-gpu-check}}
mkdir -p "$out"
export PYTHONPATH=scripts PYTHONUNBUFFERED=1
python=${PYTHON:-python3}

echo "== machine"
nvidia-smi --query-gpu=name,memory.total,driver_version --format=csv,noheader || exit 1
"$python" -c 'import torch; print("torch", torch.__version__, "CUDA", torch.version.cuda,
"devices", torch.cuda.device_count())' || exit 1

echo "== CUDA tests"
"$python" -m pytest -q -p no:cacheprovider -m cuda tests/test_cuda.py 2>&1 | tee "$out/cuda_tests.log"
tests=${PIPESTATUS[0]}

echo "== benchmarks"
"$python" tests/benchmarks/bench_gpu.py 2>&1 | tee "$out/bench_gpu.log"
bench=${PIPESTATUS[0]}

echo "== done: CUDA tests exit $tests, benchmarks exit $bench (logs in $out/)"
exit $(( tests != 0 || bench != 0 ))
