/**
 * Which scale a run uses. Highest first: `--set scale=…`, `--scale`, the file's `scale:`,
 * the file's `task.validation_scale` (PHM-Vibench: small|medium|full). The command line
 * wins; a lower source that disagrees gets a warning. Default: quick.
 */
import type { Layer } from './aliases.js';
import { SCALES } from './enums.js';
import type { ConfigIssue, ConfigWarning } from './errors.js';
import { getPath, type PlainObject } from './paths.js';
import { VALIDATION_SCALE_TO_SCALE } from './scale-presets.js';
import { scaleSchema, type Scale } from './schema.js';

interface Candidate {
  scale: Scale;
  path: string;
  /** e.g. `--scale full`, `configs/x.yaml task.validation_scale: small` */
  said: string;
  source: string;
  line?: number;
}

export function resolveScale(
  cliScale: unknown,
  explicit: PlainObject,
  origin: Map<string, Layer>,
  warnings: ConfigWarning[],
  issues: ConfigIssue[],
): Scale {
  const candidates: Candidate[] = [];
  const fromLayer = (path: string, scale: Scale, said: string): Candidate => {
    const layer = origin.get(path);
    return { scale, path, said: `${layer?.source ?? ''} ${said}`.trim(), source: layer?.source ?? '', line: layer?.lines.get(path) };
  };

  const fileScale = scaleSchema.safeParse(explicit.scale);
  const scaleFromSet = fileScale.success && origin.get('scale')?.source.startsWith('--set');
  if (fileScale.success && scaleFromSet) candidates.push(fromLayer('scale', fileScale.data, `scale: ${fileScale.data}`));

  if (cliScale !== undefined && cliScale !== null) {
    const parsed = scaleSchema.safeParse(cliScale);
    if (parsed.success) candidates.push({ scale: parsed.data, path: 'scale', said: `--scale ${parsed.data}`, source: '--scale' });
    else issues.push({ path: 'scale', source: '--scale', message: `got ${JSON.stringify(cliScale)}; expected one of ${SCALES.map((s) => JSON.stringify(s)).join(', ')}` });
  }

  if (fileScale.success && !scaleFromSet) candidates.push(fromLayer('scale', fileScale.data, `scale: ${fileScale.data}`));

  const vs = getPath(explicit, ['task', 'validation_scale']);
  if (typeof vs === 'string' && vs in VALIDATION_SCALE_TO_SCALE) {
    const scale = VALIDATION_SCALE_TO_SCALE[vs as keyof typeof VALIDATION_SCALE_TO_SCALE];
    candidates.push(fromLayer('task.validation_scale', scale, `task.validation_scale: ${vs} (scale ${scale})`));
  }

  const winner = candidates[0];
  if (!winner) return 'quick';
  for (const c of candidates.slice(1)) {
    if (c.scale === winner.scale) continue;
    warnings.push({
      path: c.path,
      source: c.source || undefined,
      ...(c.line !== undefined ? { line: c.line } : {}),
      message: `asks for scale ${c.scale}, but ${winner.said} wins; using ${winner.scale}`,
    });
  }
  return winner.scale;
}
