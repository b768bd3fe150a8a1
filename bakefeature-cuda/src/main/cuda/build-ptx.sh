#!/usr/bin/env bash
# Compiles the CUDA kernels to PTX for bakefeature-cuda's jar (run by Maven in generate-resources).
# Usage: build-ptx.sh SOURCE_DIR OUTPUT_DIR
#
# Without nvcc the jar is built without PTX and the CUDA back-end reports itself unavailable
# ("built without nvcc"); everything else works. nvcc is looked up as $NVCC, on PATH, then in
# $CUDA_HOME/bin and /usr/local/cuda/bin.
#
# nvcc 13 writes PTX ISA 9.0, which drivers and the PTX compiler of CUDA 12.0 reject although
# these kernels use no instruction newer than ISA 7.x; the header is lowered to 8.0 so any
# driver since CUDA 12.0 can JIT them (PtxModuleTest compiles the result with JCuda's PTX
# compiler of CUDA 12 to prove the lowered file is valid).
set -euo pipefail
src=$1
out=$2
nvcc=${NVCC:-}
if [[ -z "$nvcc" ]]; then
  for c in "$(command -v nvcc || true)" "${CUDA_HOME:-/nonexistent}/bin/nvcc" /usr/local/cuda/bin/nvcc; do
    if [[ -n "$c" && -x "$c" ]]; then nvcc=$c; break; fi
  done
fi
mkdir -p "$out"
if [[ -z "$nvcc" ]]; then
  echo "[bakefeature-cuda] WARNING: nvcc not found; building without CUDA kernels (the CUDA back-end will report itself unavailable)" >&2
  rm -f "$out/hashgrid.ptx"
  exit 0
fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
# --fmad=false: no fused multiply-add, so results match the Java kernels bit for bit.
"$nvcc" -ptx -arch=compute_75 --fmad=false -prec-div=true -prec-sqrt=true -std=c++14 \
  -o "$tmp/hashgrid.ptx" "$src/hashgrid.cu"
sed -E 's/^\.version [0-9]+\.[0-9]+$/.version 8.0/' "$tmp/hashgrid.ptx" > "$tmp/lowered.ptx"
mv "$tmp/lowered.ptx" "$out/hashgrid.ptx"
