/**
 * The foundation's acceptance run on real data: the reference MLP parity config at quick scale
 * on the CWRU recordings, through the CLI, engine process and SQLite. The MLP is the cheapest
 * model, so this stays fast; the shipped DiT default is measured in docs/EVALUATION.md.
 */
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { jsonLines, runCli, tempHome } from '../support/cli.js';
import { cwruDir, hasCwru } from '../support/data.js';

describe.skipIf(!hasCwru)('flowbench train on CWRU (reference MLP config, quick scale)', () => {
  it('completes, the flow loss falls clearly, and sample writes the trained shape', async () => {
    const home = tempHome();
    const res = await runCli(
      ['train', '--config', 'configs/flow_pretrain_reference_mlp.yaml', '--scale', 'quick', '--data', cwruDir, '--json'],
      { home, timeoutMs: 300_000 },
    );
    expect(res.code, res.stderr).toBe(0);
    const events = jsonLines(res.stdout);
    const data = events.find((e) => e.event === 'data') as { files: number; classes: string[]; domains: string[] };
    expect(data.files).toBe(19);
    expect(data.classes).toEqual(['ball', 'inner_race', 'normal', 'outer_race']);
    expect(data.domains).toEqual(['load_0HP', 'load_1HP']);
    const epochs = events.filter((e) => e.event === 'epoch') as { train_flow_loss: number; val_flow_loss: number }[];
    expect(epochs.length).toBe(20);
    const first = epochs[0]!;
    const last = epochs[epochs.length - 1]!;
    console.info(`CWRU quick: train flow loss ${first.train_flow_loss.toFixed(4)} → ${last.train_flow_loss.toFixed(4)}, val ${first.val_flow_loss.toFixed(4)} → ${last.val_flow_loss.toFixed(4)}`);
    // "Falls clearly": at least 10 % on training and 5 % on held-out windows.
    expect(last.train_flow_loss).toBeLessThan(0.9 * first.train_flow_loss);
    expect(last.val_flow_loss).toBeLessThan(0.95 * first.val_flow_loss);

    const runId = events[0]!.run_id as string;
    const show = await runCli(['show', runId, '--json'], { home });
    const detail = JSON.parse(show.stdout) as { run: { status: string; dataManifestHash: string | null } };
    expect(detail.run.status).toBe('completed');
    expect(detail.run.dataManifestHash).toMatch(/^[0-9a-f]{64}$/);

    const out = path.join(home, 'cwru-samples.h5');
    const sample = await runCli(['sample', runId, '--count', '4', '--out', out, '--json'], { home });
    expect(sample.code, sample.stderr).toBe(0);
    const sampled = jsonLines(sample.stdout).find((e) => e.event === 'sampled')!;
    expect([sampled.count, sampled.window_length, sampled.channels]).toEqual([4, 1024, 1]);
  }, 400_000);
});
