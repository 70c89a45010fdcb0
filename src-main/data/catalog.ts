/**
 * Dataset conventions: how public bearing datasets name their files, so a folder without a
 * manifest still yields labelled records. Each convention parses a path relative to the data
 * folder and returns the label, domain (operating condition), sample rate and signal key.
 *
 * Labels use one vocabulary across datasets: normal, inner_race, outer_race, ball, cage, and
 * combined faults joined with '+' (e.g. inner_race+outer_race).
 */
import { readdir } from 'node:fs/promises';
import { join, relative, sep } from 'node:path';
import { DataError, listNames } from './errors.js';
import { readHead } from './manifest.js';
import { IMS_FS_HZ, IMS_RPM, imsChannelNames, imsTimestamp, isImsSnapshot } from './readers/ims-snapshot.js';
import type { SignalRecord } from './types.js';

export type CatalogLayout = 'CWRU' | 'XJTU' | 'PU' | 'HUST' | 'IMS';
export const CATALOG_LAYOUTS: readonly CatalogLayout[] = ['CWRU', 'XJTU', 'PU', 'HUST', 'IMS'];

/** What a file name tells about a recording. */
export interface CatalogEntry {
  label: string;
  domain: string;
  dataset: CatalogLayout;
  fsHz: number;
  signalKey: string | null;
  severity: number | null;
  rpm: number | null;
  metadata: Record<string, string>;
  /** One record per channel (id `<path>#<channel>`, signal key = the channel) instead of one per file. */
  recordPerChannel?: boolean;
}

const base = (rel: string): string => rel.split('/').pop() ?? rel;

/**
 * CWRU (Case Western Reserve University Bearing Data Center): {IR|B|OR}{size}[@{pos}]_{load}.mat
 * and Normal_{load}.mat; size in mils (007 = 0.007 in), OR position 3/6/12 o'clock; load 0–3 HP.
 * 12 kHz drive-end unless the folder says 48k, except the normal baseline, which CWRU recorded
 * at 48 kHz only (measured: its machine lines match the 12 kHz fault files' at 48 kHz);
 * signal by key suffix _DE_time (_FE_time for FE folders).
 */
export function parseCwru(rel: string): CatalogEntry | null {
  const m = /^(normal|ir|or|b)(\d{3})?(?:@(\d+))?_(\d)\.mat$/i.exec(base(rel));
  if (!m) return null;
  const kind = m[1].toLowerCase();
  if ((kind === 'normal') !== (m[2] === undefined)) return null;
  if (m[3] !== undefined && kind !== 'or') return null;
  const load = Number(m[4]);
  const label = { normal: 'normal', ir: 'inner_race', or: 'outer_race', b: 'ball' }[kind]!;
  const folder = rel.split('/').slice(0, -1).join('/');
  const fe = /FE/.test(folder) && !/DE/.test(folder);
  const metadata: Record<string, string> = { fault_class: kind === 'normal' ? 'normal' : `${m[1].toUpperCase()}${m[2]}` };
  if (m[3] !== undefined) metadata.or_position = m[3];
  return {
    label,
    domain: `load_${load}HP`,
    dataset: 'CWRU',
    fsHz: kind === 'normal' || /48k/i.test(folder) ? 48000 : 12000,
    signalKey: fe ? '_FE_time' : '_DE_time',
    severity: m[2] !== undefined ? Number(m[2]) / 1000 : null,
    // Nominal motor speeds of the CWRU rig per load; the files carry the measured RPM.
    rpm: [1797, 1772, 1750, 1730][load] ?? null,
    metadata,
  };
}

/** XJTU-SY run-to-failure: {cond}/Bearing{c}_{n}/{minute}.csv, 25.6 kHz, horizontal + vertical. */
const XJTU_CONDITIONS: Record<string, { domain: string; rpm: number; radialKn: number }> = {
  '1': { domain: '35Hz12kN', rpm: 2100, radialKn: 12 },
  '2': { domain: '37.5Hz11kN', rpm: 2250, radialKn: 11 },
  '3': { domain: '40Hz10kN', rpm: 2400, radialKn: 10 },
};
/** Failed element of each bearing (Wang et al. 2018, XJTU-SY dataset paper, table 3). */
const XJTU_FAULTS: Record<string, string> = {
  '1_1': 'outer_race', '1_2': 'outer_race', '1_3': 'outer_race', '1_4': 'cage', '1_5': 'inner_race+outer_race',
  '2_1': 'inner_race', '2_2': 'outer_race', '2_3': 'cage', '2_4': 'outer_race', '2_5': 'outer_race',
  '3_1': 'outer_race', '3_2': 'ball+cage+inner_race+outer_race', '3_3': 'inner_race', '3_4': 'inner_race', '3_5': 'outer_race',
};

/**
 * The label is the element that had failed at the end of the run, given to every snapshot of
 * that bearing: early snapshots are in truth still healthy. metadata.minute orders the run
 * (PHM-Vibench derives RUL from it); relabel by minute in a manifest for a diagnosis task.
 */
export function parseXjtu(rel: string): CatalogEntry | null {
  const parts = rel.split('/');
  const m = /^(\d+)\.csv$/i.exec(parts[parts.length - 1]);
  const b = parts.length >= 2 ? /^Bearing(\d)_(\d)$/i.exec(parts[parts.length - 2]) : null;
  if (!m || !b) return null;
  const cond = XJTU_CONDITIONS[b[1]];
  if (!cond) return null;
  return {
    label: XJTU_FAULTS[`${b[1]}_${b[2]}`] ?? 'unknown',
    domain: cond.domain,
    dataset: 'XJTU',
    fsHz: 25600,
    signalKey: null, // both columns: Horizontal_vibration_signals, Vertical_vibration_signals
    severity: null,
    rpm: cond.rpm,
    metadata: { bearing: `Bearing${b[1]}_${b[2]}`, minute: m[1], radial_kN: String(cond.radialKn) },
  };
}

/** PU (Paderborn KAt): N{speed/100}_M{torque×10}_F{force/100}_{bearing}_{rep}.mat, 64 kHz. */
const PU_ARTIFICIAL = new Set(['KA01', 'KA03', 'KA05', 'KA06', 'KA07', 'KA08', 'KA09', 'KI01', 'KI03', 'KI05', 'KI07', 'KI08']);

/**
 * K001–K006 healthy, KAxx outer race, KIxx inner race, KBxx both (real damage, combined).
 * The signal is the struct field vibration_1 (acceleration at the bearing housing).
 */
export function parsePu(rel: string): CatalogEntry | null {
  const m = /^N(\d{2})_M(\d{2})_F(\d{2})_(K\d{3}|KA\d{2}|KI\d{2}|KB\d{2})_(\d+)\.mat$/i.exec(base(rel));
  if (!m) return null;
  const code = m[4].toUpperCase();
  const label = code.startsWith('KA') ? 'outer_race' : code.startsWith('KI') ? 'inner_race' : code.startsWith('KB') ? 'inner_race+outer_race' : 'normal';
  return {
    label,
    domain: `N${m[1]}_M${m[2]}_F${m[3]}`,
    dataset: 'PU',
    fsHz: 64000,
    signalKey: 'vibration_1',
    severity: null,
    rpm: Number(m[1]) * 100,
    metadata: {
      bearing: code,
      repetition: m[5],
      torque_Nm: String(Number(m[2]) / 10),
      radial_N: String(Number(m[3]) * 100),
      damage: label === 'normal' ? 'none' : PU_ARTIFICIAL.has(code) ? 'artificial' : 'real',
    },
  };
}

/**
 * HUST bearing (Thuan & Hong 2023; 51.2 kHz). ASSUMED naming — the release was not available
 * when this was written, so two plausible forms are accepted and should be checked against it:
 *   {fault}{bearing digit}{condition}.mat, e.g. IB504.mat (fault N/I/O/B/IB/IO/OB, 620{digit}
 *     bearing, two-digit working-condition code kept as the domain 'cond_{code}');
 *   [{size}X_]{fault}_{speed}Hz.mat, e.g. 0.5X_O_70Hz.mat (domain '{speed}Hz').
 * If the real names differ, write a LABELS.csv manifest instead.
 */
const HUST_FAULTS: Record<string, string> = {
  N: 'normal', H: 'normal', I: 'inner_race', O: 'outer_race', B: 'ball',
  IO: 'inner_race+outer_race', OI: 'inner_race+outer_race', IB: 'ball+inner_race', BI: 'ball+inner_race',
  OB: 'ball+outer_race', BO: 'ball+outer_race', C: 'combined',
};

export function parseHust(rel: string): CatalogEntry | null {
  const name = base(rel);
  const a = /^([A-Z]{1,2})(\d)(\d{2})\.mat$/i.exec(name);
  if (a && HUST_FAULTS[a[1].toUpperCase()]) {
    return hustEntry(a[1], `cond_${a[3]}`, null, null, { bearing: `620${a[2]}`, condition_code: a[3] });
  }
  const b = /^(?:(\d+(?:\.\d+)?)X_)?([A-Z]{1,2})_(\d+(?:\.\d+)?)Hz\.mat$/i.exec(name);
  if (b && HUST_FAULTS[b[2].toUpperCase()]) {
    return hustEntry(b[2], `${b[3]}Hz`, b[1] !== undefined ? Number(b[1]) : null, Number(b[3]) * 60, {});
  }
  return null;
}

function hustEntry(fault: string, domain: string, severity: number | null, rpm: number | null, metadata: Record<string, string>): CatalogEntry {
  return { label: HUST_FAULTS[fault.toUpperCase()], domain, dataset: 'HUST', fsHz: 51200, signalKey: null, severity, rpm, metadata: { ...metadata, fault_code: fault.toUpperCase() } };
}

/**
 * IMS run-to-failure tests (readers/ims-snapshot.ts): {n}{st|nd|rd|th}_test/…/{timestamp}, 20 kHz,
 * 2000 rpm. Published without labels: a bearing's state changes along a month-long run, so every
 * snapshot is 'unknown' (label snapshots by time in a manifest for a diagnosis task). Each
 * accelerometer becomes its own record, so IMS pretrains beside single-channel datasets.
 */
export function parseIms(rel: string): CatalogEntry | null {
  if (!isImsSnapshot(rel)) return null;
  const test = /(\d)(?:st|nd|rd|th)_test/i.exec(rel)?.[1] ?? null;
  return {
    label: 'unknown',
    domain: '2000rpm_6000lbs',
    dataset: 'IMS',
    fsHz: IMS_FS_HZ,
    signalKey: null,
    severity: null,
    rpm: IMS_RPM,
    metadata: { ...(test ? { test } : {}), timestamp: imsTimestamp(rel) },
    recordPerChannel: true,
  };
}

export const CONVENTIONS: Record<CatalogLayout, (rel: string) => CatalogEntry | null> = {
  CWRU: parseCwru,
  XJTU: parseXjtu,
  PU: parsePu,
  HUST: parseHust,
  IMS: parseIms,
};

const SIGNAL_EXTENSIONS = ['.mat', '.h5', '.hdf5', '.csv'];

/** Signal files under dir (relative, '/'-separated, sorted), at most maxDepth folders down. */
export async function listSignalFiles(dir: string, maxDepth = 4): Promise<string[]> {
  const out: string[] = [];
  const walk = async (d: string, depth: number): Promise<void> => {
    for (const e of await readdir(d, { withFileTypes: true })) {
      if (e.name.startsWith('.')) continue;
      const p = join(d, e.name);
      if (e.isDirectory() && depth < maxDepth) await walk(p, depth + 1);
      else if (e.isFile() && (SIGNAL_EXTENSIONS.some((x) => e.name.toLowerCase().endsWith(x)) || isImsSnapshot(e.name))) {
        out.push(relative(dir, p).split(sep).join('/'));
      }
    }
  };
  await walk(dir, 0);
  return out.sort();
}

/** The convention that explains the most file names, or null when none explains any. */
export function detectLayout(relPaths: readonly string[]): CatalogLayout | null {
  let best: CatalogLayout | null = null;
  let bestCount = 0;
  for (const layout of CATALOG_LAYOUTS) {
    const count = relPaths.filter((p) => CONVENTIONS[layout](p) !== null).length;
    if (count > bestCount) [best, bestCount] = [layout, count];
  }
  return best;
}

export interface CatalogResult {
  layout: CatalogLayout;
  records: SignalRecord[];
  warnings: string[];
}

/** Records for a folder without a manifest, from its file names. */
export async function catalogRecords(dir: string, layout: CatalogLayout | 'auto'): Promise<CatalogResult> {
  const files = await listSignalFiles(dir);
  const chosen = layout === 'auto' ? detectLayout(files) : layout;
  if (chosen === null) {
    throw new DataError(
      `${dir} has no manifest (${'LABELS.csv'}) and no file named like a known dataset ` +
        `(${CATALOG_LAYOUTS.join(', ')}; e.g. IR007_0.mat, Bearing1_1/1.csv, N15_M07_F10_K001_1.mat, 1st_test/2003.10.22.12.06.24); ` +
        `found ${files.length} signal file(s)${files.length ? `: ${listNames(files, 5)}` : ''}. Write a LABELS.csv (path,label,domain,fs_hz)`,
      { file: dir },
    );
  }
  const records: SignalRecord[] = [];
  const skipped: string[] = [];
  for (const rel of files) {
    const parsed = CONVENTIONS[chosen](rel);
    if (!parsed) {
      skipped.push(rel);
      continue;
    }
    const { recordPerChannel, ...e } = parsed;
    const path = join(dir, rel);
    if (!recordPerChannel) {
      records.push({ index: records.length, id: rel, path, ...e });
      continue;
    }
    for (const channel of await snapshotChannels(path)) {
      records.push({ index: records.length, id: `${rel}#${channel}`, path, ...e, signalKey: channel, metadata: { ...e.metadata, channel } });
    }
  }
  if (records.length === 0) {
    throw new DataError(`${dir}: no file matches the ${chosen} naming convention (found: ${listNames(files, 5)})`, { file: dir, value: chosen });
  }
  const warnings = skipped.length
    ? [`${skipped.length} file(s) in ${dir} do not follow the ${chosen} naming and were left out: ${listNames(skipped, 5)}`]
    : [];
  return { layout: chosen, records, warnings };
}

/** The channel names of an IMS snapshot, from the column count of its first line. */
async function snapshotChannels(path: string): Promise<string[]> {
  const first = (await readHead(path)).split(/\r?\n/, 1)[0]!.trim();
  const columns = first === '' ? 0 : first.split(/\s+/).length;
  const names = imsChannelNames(columns);
  if (names === null) {
    throw new DataError(`${path}: an IMS snapshot has 8 tab-separated columns (test 1) or 4 (tests 2–4); its first line has ${columns}`, { file: path, value: columns });
  }
  return names;
}
