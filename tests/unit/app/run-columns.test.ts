import { describe, expect, it } from 'vitest';
import { resolveDraft } from '../../../src-main/host/app/run-draft.js';
import { runColumns } from '../../../src-main/host/runs/run-columns.js';

const config = (sets: string[]) => resolveDraft({ scale: 'quick', sets }, process.cwd()).spec as unknown as Record<string, unknown>;

describe('history columns of a run config', () => {
  it('reads the model and key parameters, and groups runs that differ only by seed (or name)', () => {
    const a = runColumns(config(['task.lr=3e-4', 'environment.seed=1', 'model.hidden_dim=128']));
    expect(a.model).toBe('mlp 128');
    expect(a.params).toMatchObject({ lr: 3e-4, seed: 1, hidden: 128, contrastive: false });
    const b = runColumns(config(['task.lr=3e-4', 'environment.seed=2', 'model.hidden_dim=128', 'name=other']));
    const c = runColumns(config(['task.lr=1e-3', 'environment.seed=1', 'model.hidden_dim=128']));
    expect(b.seedGroup).toBe(a.seedGroup);
    expect(c.seedGroup).not.toBe(a.seedGroup);
    expect(runColumns({}).model).toBe('—');
  });
});
