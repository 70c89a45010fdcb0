/** Physical size of an exported figure per journal preset (pure: export and tests share it). */
import { JOURNAL_PRESETS, type JournalPreset } from '../../../src-preload/contract.js';
import type { FigureSpec } from './figure-spec.js';

/**
 * Width × height in inches: single column 3.5 × 2.6, double column 7.16 × 3.2. A figure
 * of n panels: single column stacks them (3.5 × (2.1·n + 0.7)), double column puts them
 * in one row (7.16 × 3.0).
 */
export function figureSize(preset: JournalPreset, fig?: FigureSpec): { widthIn: number; heightIn: number } {
  const widthIn = JOURNAL_PRESETS[preset];
  const n = fig?.panels?.length ?? 0;
  if (n > 1) return { widthIn, heightIn: preset === 'single' ? Math.round((2.1 * n + 0.7) * 100) / 100 : 3.0 };
  return { widthIn, heightIn: preset === 'single' ? 2.6 : 3.2 };
}
