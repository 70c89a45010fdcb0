/**
 * Seeds through the real CLI: two tiny synthetic runs that differ only in --seed form one
 * group in `runs --group-seeds`; `evaluate --seeds 2` repeats the evaluation and reports
 * mean ± std of every score shared by both seeds (and a summary file beside the reports).
 */
import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { jsonLines, runCli, tempHome } from '../support/cli.js';

const TINY = ['--set', 'data.window_length=256', '--set', 'data.stride=256', '--set', 'model.hidden_dim=32', '--set', 'model.sample_steps=4', '--set', 'trainer.max_steps=3', '--set', 'trainer.preview_every_n_steps=0'];

describe('seeds', () => {
  it('groups runs differing only in seed, and evaluate --seeds 2 reports mean ± std', async () => {
    const home = tempHome();
    const ids: string[] = [];
    for (const seed of ['1', '2']) {
      const r = await runCli(['train', '--config', 'configs/flow_pretrain_reference_mlp.yaml', '--scale', 'quick', '--seed', seed, ...TINY, '--json'], { home, timeoutMs: 240_000 });
      expect(r.code, r.stderr).toBe(0);
      ids.push(jsonLines(r.stdout)[0]!.run_id as string);
    }
    const other = await runCli(['train', '--config', 'configs/flow_pretrain_reference_mlp.yaml', '--scale', 'quick', '--seed', '1', ...TINY, '--set', 'task.lr=0.002', '--json'], { home, timeoutMs: 240_000 });
    expect(other.code, other.stderr).toBe(0);

    const grouped = await runCli(['runs', '--group-seeds', '--json'], { home });
    expect(grouped.code, grouped.stderr).toBe(0);
    const groups = JSON.parse(grouped.stdout) as { runs: string[]; seeds: number[]; last_flow_loss: { n: number; mean: number; std: number } }[];
    expect(groups).toHaveLength(2);
    const pair = groups.find((g) => g.runs.length === 2)!;
    expect([...pair.runs].sort()).toEqual([...ids].sort());
    expect([...pair.seeds].sort()).toEqual([1, 2]);
    expect(pair.last_flow_loss.n).toBe(2);
    expect(pair.last_flow_loss.std).toBeGreaterThan(0);

    const bad = await runCli(['evaluate', ids[0], '--seeds', '0'], { home });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/--seeds must be 1 to 100/);

    const ev = await runCli(['evaluate', ids[0], '--seeds', '2', '--seed', '5', '--only', 'linear_probe,few_shot', '--episodes', '10', '--json'], { home, timeoutMs: 300_000 });
    expect(ev.code, ev.stderr).toBe(0);
    const lines = jsonLines(ev.stdout);
    const reports = lines.filter((e) => e.event === 'report');
    expect(reports.map((r) => r.seed)).toEqual([5, 6]);
    const seeds = lines.at(-1) as { event: string; seeds: number[]; summary_path: string; stats: { metric: string; n: number; mean: number; std: number; values: number[] }[] };
    expect(seeds.event).toBe('seeds');
    expect(seeds.seeds).toEqual([5, 6]);
    const few = seeds.stats.find((s) => s.metric === 'few_shot.accuracy')!;
    expect(few.n).toBe(2);
    expect(few.mean).toBeCloseTo((few.values[0] + few.values[1]) / 2, 12);
    expect(few.std).toBeCloseTo(Math.abs(few.values[0] - few.values[1]) / Math.SQRT2, 12);
    expect(existsSync(seeds.summary_path)).toBe(true);
    expect(readFileSync(seeds.summary_path.replace(/\.json$/, '.md'), 'utf8')).toContain('| few_shot.accuracy |');
  }, 900_000);
});
