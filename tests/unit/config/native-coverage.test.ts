/**
 * The native engine's coverage table: a model family is covered exactly when a line says so,
 * with or without the contrastive branch, and the messages name the key and the coverage.
 */
import { describe, expect, it } from 'vitest';
import { nativeCoverageGap, nativeCoverageText, nativeSamples, type NativeCoverageLine } from '../../../src-main/config/native-coverage.js';

const lines: NativeCoverageLine[] = [{ velocity_net: 'mlp', contrastive: false, sampling: true }];

describe('native coverage', () => {
  it('covers a listed net without the contrastive branch, and sampling (task null) of it', () => {
    expect(nativeCoverageGap({ velocity_net: 'mlp' }, { use_contrastive: false }, lines)).toBeNull();
    expect(nativeCoverageGap({ velocity_net: 'mlp' }, null, lines)).toBeNull();
  });

  it('names model.velocity_net for a net no line lists, and what is covered', () => {
    const gap = nativeCoverageGap({ velocity_net: 'dit' }, null, lines);
    expect(gap?.key).toBe('model.velocity_net');
    expect(gap?.message).toContain('model.velocity_net = dit');
    expect(gap?.message).toContain('mlp without the contrastive branch');
  });

  it('names task.use_contrastive when the net is listed only without it; a line with it covers both', () => {
    expect(nativeCoverageGap({ velocity_net: 'mlp' }, { use_contrastive: true }, lines)?.key).toBe('task.use_contrastive');
    const withBranch: NativeCoverageLine[] = [...lines, { velocity_net: 'dit', contrastive: true, sampling: false }];
    expect(nativeCoverageGap({ velocity_net: 'dit' }, { use_contrastive: true }, withBranch)).toBeNull();
    expect(nativeCoverageGap({ velocity_net: 'dit' }, { use_contrastive: false }, withBranch)).toBeNull();
    expect(nativeCoverageText(withBranch)).toBe('mlp without the contrastive branch; dit with or without the contrastive branch');
  });

  it('samples natively only with a net whose line says so (training coverage is not enough)', () => {
    const withBranch: NativeCoverageLine[] = [...lines, { velocity_net: 'dit', contrastive: true, sampling: false }];
    expect(nativeSamples({ velocity_net: 'mlp' }, withBranch)).toBe(true);
    expect(nativeSamples({ velocity_net: 'dit' }, withBranch)).toBe(false);
    expect(nativeSamples({ velocity_net: 'dit' }, lines)).toBe(false);
  });
});
