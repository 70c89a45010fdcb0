/**
 * IMS bearing snapshots as published (University of Cincinnati / NASA Ames Prognostics Data
 * Repository): one ASCII file per snapshot, named by its timestamp (`2003.10.22.12.06.24`, no
 * extension), tab-separated, no header, 20,480 rows at 20 kHz, one column per accelerometer.
 * Test 1 has 8 columns (bearings 1–4, x and y); tests 2–4 have 4 (one per bearing).
 */
import { basename } from 'node:path';

/** Snapshot file name: yyyy.mm.dd.hh.mm.ss. */
const SNAPSHOT_NAME = /^\d{4}\.\d{2}\.\d{2}\.\d{2}\.\d{2}\.\d{2}$/;

export const IMS_FS_HZ = 20000;
/** Shaft speed of every IMS test (the README of the data set: 2000 rpm, 6000 lbs radial load). */
export const IMS_RPM = 2000;

export function isImsSnapshot(path: string): boolean {
  return SNAPSHOT_NAME.test(basename(path));
}

/** Channel names by column count (8: b1_x, b1_y … b4_y; 4: b1 … b4); null for any other count. */
export function imsChannelNames(columns: number): string[] | null {
  if (columns === 8) return [1, 2, 3, 4].flatMap((b) => [`b${b}_x`, `b${b}_y`]);
  if (columns === 4) return [1, 2, 3, 4].map((b) => `b${b}`);
  return null;
}

/** "2003.10.22.12.06.24" → "2003-10-22T12:06:24" (the snapshot's time, as ISO text). */
export function imsTimestamp(path: string): string {
  const [y, mo, d, h, mi, s] = basename(path).split('.');
  return `${y}-${mo}-${d}T${h}:${mi}:${s}`;
}
