/**
 * Flowbench against PyTorch: the reference MLP (B=32, L=1024, C=1, H=256) trained and
 * sampled (50 Euler steps) by our engines' own code (wasm, and the native engine when its
 * addon is built: scripts/bench/native-workload.ts), alternated round by round with the
 * PyTorch peer (../shared/bench/torch_reference.py) on the same shapes; medians over rounds.
 *
 *   npm run bench -- --json            (package.json: "bench": "node --import tsx scripts/bench.ts")
 *   npm run bench -- --rounds 1 --steps 50 --leak-steps 200 --basic-steps 100   (quick check)
 *
 * Also: the default dit (model.velocity_net: dit) steps/s on wasm and on the native engine
 * (scripts/bench/native-dit-workload.ts, alternated round by round) and their ratio, the tensor count over --leak-steps training steps, and the peak RSS of
 * the basic config's quick run. Every measurement runs in a fresh process
 * (scripts/bench/worker.ts), so each peak RSS is its own. A benchmark, not a test.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { cpus } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { modelSchema } from '../src-main/config/schema.js';
import { loadNativeAddon } from '../src-main/engine/native/loader.js';
import type { WorkerTask } from './bench/worker.js';
import type { WorkloadShape } from './bench/workload.js';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const PYTHON = '/usr/bin/python3';

interface Options {
  json: boolean;
  rounds: number;
  steps: number;
  sampleRepeats: number;
  leakSteps: number;
  basicSteps: number | null;
  ditSteps: number;
  peer: string;
  skipPeer: boolean;
}

function parseArgs(argv: string[]): Options {
  const o: Options = {
    json: false, rounds: 3, steps: 200, sampleRepeats: 5, leakSteps: 2000, basicSteps: null, ditSteps: 50,
    peer: resolve(ROOT, '../shared/bench/torch_reference.py'), skipPeer: false,
  };
  const int = (flag: string, v: string | undefined, min: number): number => {
    const n = Number(v);
    if (!Number.isInteger(n) || n < min) throw new Error(`bench: ${flag} needs an integer ≥ ${min}, got ${v ?? '(nothing)'}`);
    return n;
  };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    switch (a) {
      case '--json': o.json = true; break;
      case '--rounds': o.rounds = int(a, argv[++i], 1); break;
      case '--steps': o.steps = int(a, argv[++i], 1); break;
      case '--sample-repeats': o.sampleRepeats = int(a, argv[++i], 1); break;
      case '--leak-steps': o.leakSteps = int(a, argv[++i], 0); break;
      case '--basic-steps': o.basicSteps = int(a, argv[++i], 0); break;
      case '--dit-steps': o.ditSteps = int(a, argv[++i], 0); break;
      case '--peer': o.peer = resolve(argv[++i] ?? ''); break;
      case '--skip-peer': o.skipPeer = true; break;
      case '--help': case '-h':
        process.stdout.write('usage: bench [--json] [--rounds N=3] [--steps N=200] [--sample-repeats N=5] [--leak-steps N=2000]\n'
          + '             [--basic-steps N (default: the whole quick run; 0 skips)] [--dit-steps N=50 (0 skips)] [--peer PATH] [--skip-peer]\n');
        process.exit(0);
      // falls through (exit above)
      default: throw new Error(`bench: unknown option "${a}" (see --help)`);
    }
  }
  return o;
}

/** Progress goes to stderr so `--json` leaves exactly one JSON line on stdout. */
const note = (msg: string): void => void process.stderr.write(`bench: ${msg}\n`);

function runWorker(task: WorkerTask): Record<string, unknown> {
  const r = spawnSync(process.execPath, ['--import', 'tsx', join(ROOT, 'scripts/bench/worker.ts'), JSON.stringify(task)], {
    cwd: ROOT, encoding: 'utf8', maxBuffer: 1 << 24, stdio: ['ignore', 'pipe', 'pipe'],
  });
  const line = r.stdout.trim().split('\n').pop() ?? '';
  if (r.status !== 0 || !line.startsWith('{')) throw new Error(`bench worker (${task.kind}) failed: ${r.stderr.trim() || `exit ${r.status}`}`);
  return JSON.parse(line) as Record<string, unknown>;
}

/** null when the native addon loads here, else why not (checked in a worker-free way: the loader). */
function nativeAvailable(): string | null {
  const load = loadNativeAddon();
  return load.addon ? null : load.reason;
}

function hasTorch(): boolean {
  return existsSync(PYTHON) && spawnSync(PYTHON, ['-c', 'import torch'], { stdio: 'ignore' }).status === 0;
}

/** Installs Debian's python3-torch when `import torch` fails (the peer's only dependency). */
function ensureTorch(): void {
  if (hasTorch()) return;
  note('PyTorch is missing: installing it with `apt-get install -y python3-torch` (Debian)');
  const apt = (args: string[]): boolean => spawnSync('apt-get', args, { stdio: ['ignore', 'inherit', 'inherit'] }).status === 0;
  if (!apt(['install', '-y', 'python3-torch'])) {
    note('apt-get install failed; running `apt-get update` and retrying');
    if (!apt(['update']) || !apt(['install', '-y', 'python3-torch'])) {
      throw new Error('bench: could not install python3-torch with apt-get (root and the Debian mirror are needed); use --skip-peer to measure ours only');
    }
  }
  if (!hasTorch()) throw new Error(`bench: python3-torch installed but ${PYTHON} still cannot import torch`);
}

interface PeerResult {
  peer: string;
  train_steps_per_s: number;
  sample_windows_per_s: number;
  train_threads: number;
  sample_threads: number;
}

function runPeer(o: Options, shape: WorkloadShape): PeerResult {
  const out = execFileSync(PYTHON, [o.peer, '--batch', String(shape.batch), '--length', String(shape.length),
    '--channels', String(shape.channels), '--hidden', String(shape.hidden), '--steps', String(o.steps), '--sample-steps', '50'],
  { encoding: 'utf8', maxBuffer: 1 << 20 });
  return JSON.parse(out.trim().split('\n').pop() ?? '') as PeerResult;
}

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};
const r2 = (x: number): number => Math.round(x * 100) / 100;
const r3 = (x: number): number => Math.round(x * 1000) / 1000;

function loadAverage(): number[] {
  try {
    return execFileSync('cat', ['/proc/loadavg'], { encoding: 'utf8' }).split(' ').slice(0, 3).map(Number);
  } catch {
    return [];
  }
}

async function main(): Promise<void> {
  const o = parseArgs(process.argv.slice(2));
  const shape: WorkloadShape = { batch: 32, length: 1024, channels: 1, hidden: 256, net: 'mlp' };
  if (!o.skipPeer) {
    if (!existsSync(o.peer)) throw new Error(`bench: the peer script ${o.peer} does not exist (--peer PATH or --skip-peer)`);
    ensureTorch();
  }
  const loadBefore = loadAverage();
  const ours = { train: [] as number[], sample: [] as number[] };
  const nat = { train: [] as number[], loop: [] as number[], sample: [] as number[], samplePlain: [] as number[] };
  const nativeWhy = nativeAvailable();
  if (nativeWhy) note(`native engine skipped: ${nativeWhy}`);
  const peer = { train: [] as number[], sample: [] as number[] };
  let backend = '';
  let backendSkipped: unknown = {};
  let peerName: string | null = null;
  let peerThreads: { train: number; sample: number } | null = null;
  for (let r = 1; r <= o.rounds; r++) {
    note(`round ${r}/${o.rounds}: ours (train ${o.steps} steps, sample ${o.sampleRepeats}×${shape.batch} windows)`);
    const t = runWorker({ kind: 'train', shape, steps: o.steps });
    const s = runWorker({ kind: 'sample', shape, repeats: o.sampleRepeats });
    backend = String(t.backend);
    backendSkipped = t.backend_skipped;
    ours.train.push(Number(t.steps_per_s));
    ours.sample.push(Number(s.windows_per_s));
    note(`  ours: ${r2(Number(t.steps_per_s))} steps/s, ${r2(Number(s.windows_per_s))} windows/s (${backend})`);
    if (!nativeWhy) {
      nat.train.push(Number(runWorker({ kind: 'train', shape, steps: o.steps, engine: 'native' }).steps_per_s));
      nat.loop.push(Number(runWorker({ kind: 'train', shape, steps: o.steps, engine: 'native-loop' }).steps_per_s));
      nat.sample.push(Number(runWorker({ kind: 'sample', shape, repeats: o.sampleRepeats, engine: 'native' }).windows_per_s));
      nat.samplePlain.push(Number(runWorker({ kind: 'sample', shape, repeats: o.sampleRepeats, engine: 'native', route: 'plain' }).windows_per_s));
      note(`  native: ${r2(nat.train.at(-1)!)} steps/s (in the loop today: ${r2(nat.loop.at(-1)!)}), ${r2(nat.sample.at(-1)!)} windows/s (plain route: ${r2(nat.samplePlain.at(-1)!)})`);
    }
    if (!o.skipPeer) {
      note(`round ${r}/${o.rounds}: PyTorch peer`);
      const p = runPeer(o, shape);
      peerName = p.peer;
      peerThreads = { train: p.train_threads, sample: p.sample_threads };
      peer.train.push(p.train_steps_per_s);
      peer.sample.push(p.sample_windows_per_s);
      note(`  peer: ${p.train_steps_per_s} steps/s (${p.train_threads} thr), ${p.sample_windows_per_s} windows/s (${p.sample_threads} thr)`);
    }
  }

  // The default dit (model defaults, B=32 L=1024): wasm and, when the addon loads, the native
  // engine as the loop runs it, alternated round by round.
  const ditAccepted = modelSchema.safeParse({ velocity_net: 'dit' }).success;
  let dit: Record<string, unknown> | string = 'dit: not available yet';
  if (ditAccepted && o.ditSteps > 0) {
    try {
      const wasmRates: number[] = [];
      const nativeRates: number[] = [];
      let d: Record<string, unknown> = {};
      for (let r = 1; r <= o.rounds; r++) {
        note(`dit round ${r}/${o.rounds}: training ${o.ditSteps} steps (wasm${nativeWhy ? '' : ', native'})`);
        d = runWorker({ kind: 'train', shape: { ...shape, net: 'dit' }, steps: o.ditSteps });
        wasmRates.push(Number(d.steps_per_s));
        if (!nativeWhy) nativeRates.push(Number(runWorker({ kind: 'train', shape: { ...shape, net: 'dit' }, steps: o.ditSteps, engine: 'native-dit' }).steps_per_s));
        note(`  dit: wasm ${r2(wasmRates.at(-1)!)} steps/s${nativeWhy ? '' : `, native ${r2(nativeRates.at(-1)!)} steps/s`}`);
      }
      const wasmDit = median(wasmRates);
      const nativeDit = nativeRates.length ? median(nativeRates) : null;
      dit = {
        train_steps_per_s: r2(wasmDit), peak_rss_mb: Math.round(Number(d.peak_rss_mb)), params: d.params,
        native_train_steps_per_s: nativeDit === null ? null : r2(nativeDit),
        native_ratio: nativeDit === null ? null : r3(nativeDit / wasmDit),
        per_round: { wasm: wasmRates.map(r2), native: nativeRates.map(r2) },
      };
    } catch (err) {
      dit = `dit: failed: ${(err as Error).message.split('\n')[0]}`;
    }
  } else if (ditAccepted) dit = 'dit: skipped (--dit-steps 0)';

  let leak: Record<string, unknown> | string = 'skipped (--leak-steps 0)';
  if (o.leakSteps > 0) {
    note(`tensor count over ${o.leakSteps} training steps`);
    const l = runWorker({ kind: 'train', shape, steps: o.leakSteps });
    leak = { steps: o.leakSteps, tensors_start: l.tensors_start, tensors_end: l.tensors_end, flat: l.tensors_start === l.tensors_end, peak_rss_mb: Math.round(Number(l.peak_rss_mb)) };
  }

  let basic: Record<string, unknown> | string = 'skipped (--basic-steps 0)';
  if (o.basicSteps !== 0) {
    note(`basic run: configs/flow_pretrain_basic.yaml --scale quick${o.basicSteps ? ` (max ${o.basicSteps} steps)` : ''}`);
    const b = runWorker({ kind: 'basic', config: 'configs/flow_pretrain_basic.yaml', maxSteps: o.basicSteps });
    basic = { status: b.status, steps: b.steps, seconds: r2(Number(b.seconds)), peak_rss_mb: Math.round(Number(b.peak_rss_mb)), under_1_5_gb: Number(b.peak_rss_mb) < 1536 };
  }

  const train = median(ours.train);
  const sample = median(ours.sample);
  const peerTrain = peer.train.length ? median(peer.train) : null;
  const peerSample = peer.sample.length ? median(peer.sample) : null;
  const natTrain = nat.train.length ? median(nat.train) : null;
  const natSample = nat.sample.length ? median(nat.sample) : null;
  const native = nativeWhy ? { skipped: nativeWhy } : {
    train_steps_per_s: r2(natTrain!), loop_train_steps_per_s: r2(median(nat.loop)), sample_windows_per_s: r2(natSample!),
    // The plain route (a whole forward pass per Euler step), to show what the hidden-coordinate sampler gains.
    sample_plain_windows_per_s: r2(median(nat.samplePlain)),
    train_ratio: peerTrain ? r3(natTrain! / peerTrain) : null, loop_train_ratio: peerTrain ? r3(median(nat.loop) / peerTrain) : null,
    sample_ratio: peerSample ? r3(natSample! / peerSample) : null,
    per_round: { train: nat.train.map(r2), loop_train: nat.loop.map(r2), sample: nat.sample.map(r2), sample_plain: nat.samplePlain.map(r2) },
  };
  const result = {
    bench: 'flowbench vs pytorch: reference MLP, B=32 L=1024 C=1 H=256, AdamW, 50 Euler sample steps',
    backend,
    backend_note: `tfjs ${backend}; skipped: ${JSON.stringify(backendSkipped)}`,
    native,
    rounds: o.rounds,
    steps_per_round: o.steps,
    train_steps_per_s: r2(train),
    sample_windows_per_s: r2(sample),
    peer: peerName,
    peer_threads: peerThreads,
    peer_train_steps_per_s: peerTrain === null ? null : r2(peerTrain),
    peer_sample_windows_per_s: peerSample === null ? null : r2(peerSample),
    train_ratio: peerTrain ? r3(train / peerTrain) : null,
    sample_ratio: peerSample ? r3(sample / peerSample) : null,
    per_round: { ours_train: ours.train.map(r2), ours_sample: ours.sample.map(r2), peer_train: peer.train, peer_sample: peer.sample },
    dit,
    tensors: leak,
    basic_run: basic,
    machine: { cpus: cpus().length, node: process.versions.node, load_before: loadBefore, load_after: loadAverage() },
  };
  if (o.json) {
    process.stdout.write(`${JSON.stringify(result)}\n`);
    return;
  }
  const fmt = (x: number | null): string => (x === null ? '—' : String(r2(x)));
  const rows: [string, string, string, string][] = [
    ['', 'flowbench', 'pytorch', 'ratio'],
    ['train steps/s', fmt(train), fmt(peerTrain), fmt(result.train_ratio)],
    ['sample windows/s', fmt(sample), fmt(peerSample), fmt(result.sample_ratio)],
  ];
  if (natTrain !== null && natSample !== null) {
    rows.push(['native train', fmt(natTrain), fmt(peerTrain), fmt(peerTrain && natTrain / peerTrain)]);
    rows.push(['native in loop', fmt(median(nat.loop)), fmt(peerTrain), fmt(peerTrain && median(nat.loop) / peerTrain)]);
    rows.push(['native sample', fmt(natSample), fmt(peerSample), fmt(peerSample && natSample / peerSample)]);
  }
  const w = [18, 12, 12, 8];
  const lines = rows.map((row) => row.map((c, i) => c.padEnd(w[i])).join(' '));
  lines.push('', `backend: ${result.backend_note}`, `peer: ${peerName ?? 'skipped'}${peerThreads ? ` (best threads: train ${peerThreads.train}, sample ${peerThreads.sample})` : ''}`);
  lines.push(`medians over ${o.rounds} round(s) of ${o.steps} steps; load average before/after: ${loadBefore.join(' ')} / ${result.machine.load_after.join(' ')}`);
  lines.push(typeof dit === 'string' ? dit : `dit: wasm ${dit.train_steps_per_s} steps/s, native ${dit.native_train_steps_per_s ?? '—'} steps/s (×${dit.native_ratio ?? '—'}), peak RSS ${dit.peak_rss_mb} MB (wasm)`);
  lines.push(typeof leak === 'string' ? `tensors: ${leak}` : `tensors over ${leak.steps} steps: ${leak.tensors_start} → ${leak.tensors_end} (${leak.flat ? 'flat' : 'GROWING'})`);
  lines.push(typeof basic === 'string' ? `basic run: ${basic}` : `basic run: ${basic.steps} steps in ${basic.seconds} s, peak RSS ${basic.peak_rss_mb} MB (${basic.under_1_5_gb ? 'under' : 'OVER'} 1.5 GB)`);
  process.stdout.write(`${lines.join('\n')}\n`);
}

main().catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
