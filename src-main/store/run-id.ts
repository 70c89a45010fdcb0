import { randomBytes } from 'node:crypto';

/**
 * A run id such as `20261201-103612-a1b2`: UTC date and time (so ids sort by creation
 * time whatever the machine's time zone) plus 4 random hex digits so two runs started
 * in the same second still differ.
 */
export function newRunId(now: Date = new Date()): string {
  const p = (n: number, w = 2): string => String(n).padStart(w, '0');
  const date = `${p(now.getUTCFullYear(), 4)}${p(now.getUTCMonth() + 1)}${p(now.getUTCDate())}`;
  const time = `${p(now.getUTCHours())}${p(now.getUTCMinutes())}${p(now.getUTCSeconds())}`;
  return `${date}-${time}-${randomBytes(2).toString('hex')}`;
}
