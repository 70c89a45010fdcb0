#!/usr/bin/env bash
# Device check for a machine with a GPU: the CPU bench (quick settings), training on the
# webgpu backend (reference MLP + a quick DiT run, scripts/bench/webgpu-run.ts) and a real
# `flowbench train --backend webgpu` run (quick basic config, RUN_STEPS steps, default 20:
# validation, checkpoints and all, in a throwaway FLOWBENCH_HOME). Prints ONE
# JSON line on stdout; progress and Dawn's messages go to $LOG_DIR (default: a temp folder).
#
#   scripts/device-check.sh                 # after npm ci (or npm install)
#   BENCH_ARGS="--rounds 3" scripts/device-check.sh      # a full bench instead of the quick one
#   WEBGPU_ARGS="--mlp-steps 100 --dit-steps 200" scripts/device-check.sh
#   SKIP_BENCH=1 scripts/device-check.sh    # the GPU part only
#   RUN_STEPS=100 scripts/device-check.sh   # a longer flowbench run
#
# Without a GPU it runs on Mesa's software OpenGL ES (libegl1 libgles2 libgl1-mesa-dri) and
# says so ("software": true): correct, but its speed is not a GPU figure.
# Exit status: 0 when the GPU part ran without device errors, the flowbench run completed on
# webgpu (and, where nvidia-smi lists a GPU, on a hardware adapter), 1 otherwise (the line
# still prints).
set -uo pipefail
cd "$(dirname "$0")/.."
LOG_DIR="${LOG_DIR:-$(mktemp -d)}"
mkdir -p "$LOG_DIR"
t0=$(date +%s.%N)

bench_json=null
if [ "${SKIP_BENCH:-0}" != 1 ]; then
  peer=()
  # The peer is PyTorch; without it (no apt on a lent machine) measure ours only.
  /usr/bin/python3 -c 'import torch' > /dev/null 2>&1 || peer=(--skip-peer)
  # shellcheck disable=SC2086  # BENCH_ARGS is a list of flags
  if node --import tsx scripts/bench.ts --json ${BENCH_ARGS:---rounds 1 --steps 50 --leak-steps 200 --basic-steps 100} "${peer[@]}" \
       > "$LOG_DIR/bench.out" 2> "$LOG_DIR/bench.err"; then
    bench_json=$(grep '^{' "$LOG_DIR/bench.out" | tail -n 1)
  fi
  [ -n "$bench_json" ] || bench_json=null
fi

# shellcheck disable=SC2086
node --import tsx scripts/bench/webgpu-run.ts ${WEBGPU_ARGS:-} > "$LOG_DIR/webgpu.out" 2> "$LOG_DIR/webgpu.err"
gpu_status=$?
gpu_json=$(grep '^{' "$LOG_DIR/webgpu.out" | tail -n 1)
[ -n "$gpu_json" ] || gpu_json=null

# A whole run through the CLI on webgpu: its started and finished events (--json).
FLOWBENCH_HOME="$LOG_DIR/home" node bin/flowbench.js train --config configs/flow_pretrain_basic.yaml --scale quick \
  --backend webgpu --set "trainer.max_steps=${RUN_STEPS:-20}" --json > "$LOG_DIR/run.out" 2> "$LOG_DIR/run.err"
run_status=$?

# A GPU the driver lists while Dawn found only a software adapter is a failed check, not a pass.
gpu_listed=$( (nvidia-smi -L 2>/dev/null || true) | head -n 1)

GPU_LISTED="$gpu_listed" BENCH="$bench_json" GPU="$gpu_json" STATUS="$gpu_status" RUN_STATUS="$run_status" T0="$t0" LOGS="$LOG_DIR" node -e '
const bench = JSON.parse(process.env.BENCH);
const gpu = JSON.parse(process.env.GPU);
const err = require("node:fs").readFileSync(process.env.LOGS + "/webgpu.err", "utf8").trim().split("\n").filter((l) => /Error|error:/.test(l)).slice(-1)[0];
const listed = process.env.GPU_LISTED || null;
const missedGpu = listed !== null && gpu !== null && gpu.software;
const events = require("node:fs").readFileSync(process.env.LOGS + "/run.out", "utf8").split("\n").filter((l) => l.startsWith("{")).map((l) => JSON.parse(l));
const started = events.find((e) => e.event === "started");
const finished = events.find((e) => e.event === "finished");
const run = { exit: Number(process.env.RUN_STATUS), backend: started?.backend ?? null, status: finished?.status ?? null, steps: finished?.step ?? null, seconds: finished?.seconds ?? null, reason: finished?.reason };
const runOk = run.exit === 0 && run.backend === "webgpu" && run.status === "completed";
const ok = process.env.STATUS === "0" && gpu !== null && gpu.gpu_errors.length === 0 && !missedGpu && runOk;
console.log(JSON.stringify({
  ok,
  backend: gpu?.backend ?? null,
  adapter: gpu?.adapter ?? null,
  software: gpu?.software ?? null,
  mlp_steps_per_s: gpu?.mlp.steps_per_s ?? null,
  dit_steps_per_s: gpu?.dit.steps_per_s ?? null,
  dit_loss_first: gpu?.dit.loss_first ?? null,
  dit_loss_last: gpu?.dit.loss_last ?? null,
  gpu_errors: gpu?.gpu_errors ?? null,
  gpu_listed: listed,
  ...(missedGpu ? { note: "nvidia-smi lists a GPU but Dawn found only a software adapter: Vulkan needs libvulkan1 and the driver Vulkan ICD (nvidia: libnvidia-gl)" } : {}),
  ...(gpu === null ? { webgpu_failed: err ?? `exit ${process.env.STATUS}` } : {}),
  webgpu: gpu,
  run,
  bench,
  logs: process.env.LOGS,
  wall_s: +(Date.now() / 1000 - Number(process.env.T0)).toFixed(1),
}));
process.exit(ok ? 0 : 1);
'
