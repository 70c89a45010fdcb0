/**
 * Resource limits on what one input may make Flowbench do: each a named setting, documented
 * in docs/SECURITY.md, overridable with FLOWBENCH_LIMIT_<NAME> (e.g.
 * FLOWBENCH_LIMIT_MAX_DECOMPRESSED_MB=2048) for the rare real file that needs more.
 * The defaults keep any input file under 10 MB below ~1 GB of memory: a compressed MAT
 * or HDF5 file can otherwise ask for 1000× its size, a CSV line for millions of columns.
 */

export interface Limits {
  /** Bytes one MAT/HDF5 file may decompress or allocate for its variables, in total (MiB). */
  maxDecompressedMb: number;
  /** Values (samples × channels) one recording may hold once decoded. */
  maxSignalValues: number;
  /** Columns a CSV line may have. */
  csvMaxColumns: number;
  /** Characters a CSV line may have. */
  csvMaxLineChars: number;
  /** Lowest sample rate accepted anywhere (manifest, file, override, synthetic, resample), Hz. */
  minRateHz: number;
  /** Highest sample rate accepted anywhere, Hz. */
  maxRateHz: number;
  /** Samples one synthetic recording may have (fs_hz × seconds). */
  maxSyntheticSamples: number;
  /** Model + optimiser + activation memory estimate above which a run is refused (MiB). */
  maxModelMemoryMb: number;
  /** …and above which it starts with a warning (MiB). */
  warnModelMemoryMb: number;
}

export const DEFAULT_LIMITS: Readonly<Limits> = {
  maxDecompressedMb: 256,
  maxSignalValues: 32 * 1024 * 1024,
  csvMaxColumns: 4096,
  csvMaxLineChars: 1024 * 1024,
  minRateHz: 1,
  maxRateHz: 1e7,
  maxSyntheticSamples: 16 * 1024 * 1024,
  // The wasm backend addresses at most 4 GiB; past ~3 GiB it fails with "memory access out of bounds".
  maxModelMemoryMb: 3072,
  warnModelMemoryMb: 1024,
};

/** FLOWBENCH_LIMIT_MAX_DECOMPRESSED_MB ← maxDecompressedMb. */
export function limitEnvName(key: keyof Limits): string {
  return `FLOWBENCH_LIMIT_${key.replace(/[A-Z]/g, (c) => `_${c}`).toUpperCase()}`;
}

/** The limits in force: defaults, each replaced by a positive number from its environment variable. */
export function limits(env: NodeJS.ProcessEnv = process.env): Limits {
  const out = { ...DEFAULT_LIMITS };
  for (const key of Object.keys(out) as (keyof Limits)[]) {
    const text = env[limitEnvName(key)];
    if (text === undefined || text.trim() === '') continue;
    const v = Number(text);
    // A malformed override keeps the default: a limit must never be switched off by a typo.
    if (Number.isFinite(v) && v > 0) out[key] = v;
  }
  return out;
}

/** A rate outside [minRateHz, maxRateHz] (or not finite) → the reason, else null. */
export function rateProblem(hz: number, lim: Limits = limits()): string | null {
  if (!Number.isFinite(hz) || hz < lim.minRateHz || hz > lim.maxRateHz) {
    return `${hz} Hz is outside the accepted range ${lim.minRateHz}–${lim.maxRateHz} Hz`;
  }
  return null;
}
