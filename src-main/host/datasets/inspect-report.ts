/**
 * `flowbench data inspect` for people: the report as aligned text.
 */
import type { ChannelSummary, InspectReport } from '../../data/index.js';

export function formatInspectReport(report: InspectReport): string {
  const lines: string[] = [];
  if (report.kind === 'file') {
    lines.push(`file       ${report.path} (${report.format}, ${(report.bytes / 1e6).toFixed(2)} MB)`);
    lines.push(
      `signal     ${report.samples} samples` +
        (report.fsHz ? ` at ${report.fsHz} Hz (${report.durationS?.toFixed(2)} s)` : ', sample rate not in the file (the manifest gives it)') +
        (report.rpm ? `, ${report.rpm} rpm` : ''),
    );
    lines.push('variables');
    for (const v of report.variables) lines.push(`  ${v.name.padEnd(20)} ${v.type.padEnd(8)} [${v.shape.join(' × ')}]`);
    lines.push('channels');
    lines.push(CHANNEL_HEADER);
    for (const c of report.channels) lines.push(channelLine(`  ${c.name}`, c));
  } else {
    lines.push(`dataset    ${report.path}`);
    lines.push(`source     ${report.description}${report.manifestPath ? ` (manifest ${report.manifestPath})` : ''}`);
    lines.push(`files      ${report.files}, ${report.totalDurationS.toFixed(1)} s in all, sample rates ${report.sampleRates.join(', ')} Hz`);
    lines.push(`classes    ${counts(report.classes)}`);
    lines.push(`domains    ${counts(report.domains)}`);
    lines.push(`datasets   ${counts(report.datasets)}`);
    lines.push('files (each channel: samples, mean, std, min, max)');
    for (const f of report.perFile) {
      lines.push(
        `  ${f.id.padEnd(28)} ${f.label.padEnd(12)} ${f.domain.padEnd(10)} ${String(f.samples).padStart(8)} samples` +
          (f.durationS ? ` ${f.durationS.toFixed(2)} s` : '') +
          (f.rpm ? ` ${f.rpm} rpm` : ''),
      );
      for (const c of f.channelStats) lines.push(channelLine(`    ${c.name}`, c));
    }
    for (const w of report.warnings) lines.push(`warning: ${w}`);
  }
  return lines.join('\n') + '\n';
}

const CHANNEL_HEADER = `  ${'NAME'.padEnd(20)} ${'SAMPLES'.padStart(9)} ${'MEAN'.padStart(11)} ${'STD'.padStart(11)} ${'MIN'.padStart(11)} ${'MAX'.padStart(11)}`;

function channelLine(name: string, c: ChannelSummary): string {
  return `${name.padEnd(22)} ${String(c.samples).padStart(9)} ${n(c.mean)} ${n(c.std)} ${n(c.min)} ${n(c.max)}` + (c.nonFinite ? `  (${c.nonFinite} non-finite samples)` : '');
}

function n(value: number): string {
  return (Number.isFinite(value) ? value.toPrecision(5) : String(value)).padStart(11);
}

function counts(record: Record<string, number>): string {
  return Object.entries(record)
    .map(([k, v]) => `${k} (${v})`)
    .join(', ');
}
