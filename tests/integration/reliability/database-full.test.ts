/**
 * SQLite full while a run trains (issue 14). The database is capped with PRAGMA
 * max_page_count — SQLite then answers SQLITE_FULL exactly as on a full disk (a
 * file-size-limited database; no tmpfs mount needed). Before the fix the host died with an
 * uncaught error from the flush timer, no `finished`, the run left `running`. Now: the host
 * stops the engine, ends the run failed with the reason, and after space is freed
 * `resume` completes it.
 */
import { rmSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadRunSpec } from '../../../src-main/config/index.js';
import { runResumeJob } from '../../../src-main/host/train/resume-job.js';
import { runTrainJob } from '../../../src-main/host/train/train-job.js';
import { openStore } from '../../../src-main/store/index.js';
import { tempHome } from '../../support/cli.js';
import { connectionOf } from '../../../src-main/store/connection.js';

const home = tempHome('flowbench-dbfull-');
afterAll(() => rmSync(home, { recursive: true, force: true }));

const SETS = [
  'data.window_length=128', 'data.stride=128', 'data.synthetic.seconds=1', 'data.synthetic.files_per_class=1',
  'model.hidden_dim=32', 'model.time_dim=16', 'model.condition_dim=8',
  'task.epochs=40', 'task.batch_size=8', 'trainer.steps_per_epoch=6', 'trainer.log_every_n_steps=1',
  'task.checkpoint_interval=4', 'task.lr=1e-3', 'trainer.preview_every_n_steps=0',
];

describe('database full during a run', () => {
  it('ends the run failed with the reason, exits cleanly, and resumes once space is freed', async () => {
    const store = openStore(path.join(home, 'flowbench.sqlite'));
    const { spec } = loadRunSpec({ configPath: null, scale: 'quick', sets: SETS, cwd: home });
    const pages = Number(connectionOf(store).pragma('page_count', { simple: true }));
    connectionOf(store).pragma(`max_page_count = ${pages + 12}`);
    const result = await runTrainJob({ store, spec, workdir: path.join(home, 'runs'), cwd: home });
    expect(result.finished.status).toBe('failed');
    expect(result.finished.reason).toMatch(/database .*flowbench\.sqlite could not be written \(.*full.*\); free space .*flowbench resume/);
    const steps = store.metrics.forRun(result.runId, { scope: 'step' }).map((m) => m.step);
    expect(Math.max(...steps)).toBeLessThan(240); // it stopped early: the database filled up

    // Space freed: the same run resumes from a verified checkpoint and completes.
    connectionOf(store).pragma('max_page_count = 1073741823');
    const row = store.runs.get(result.runId)!;
    expect(['failed', 'running']).toContain(row.status);
    if (row.status === 'running') store.runs.update(result.runId, { status: 'failed' }); // its end did not fit either
    const resumed = await runResumeJob({ store, runRef: result.runId });
    expect(resumed.finished.status).toBe('completed');
    expect(store.runs.get(result.runId)!.status).toBe('completed');
    expect((connectionOf(store).pragma('integrity_check', { simple: true }) as string)).toBe('ok');
    store.close();
  }, 240_000);
});
