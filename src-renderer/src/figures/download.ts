/**
 * Browser host mode (`flowbench serve`): the host writes the export on its own disk, which
 * a browser user may not see, so the browser also downloads the files under the names the
 * host chose (which never overwrite an earlier export).
 */
import type { ApiReply } from '../../../src-preload/contract.js';

/** True in a browser tab; false inside the Electron app, whose preload sets window.flowbench. */
export function inBrowserMode(): boolean {
  return typeof window !== 'undefined' && window.flowbench === undefined;
}

const MIME: Record<string, string> = { svg: 'image/svg+xml', png: 'image/png', pdf: 'application/pdf', csv: 'text/csv' };

function baseName(p: string): string {
  return p.split(/[\\/]/).pop() ?? p;
}

function save(name: string, blob: Blob): void {
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
}

/** Downloads the written figure (from the reply's data) and its CSV. */
export function downloadExport(reply: ApiReply<'exportFigure'>, csv: string): void {
  if (!reply.data) return;
  const name = baseName(reply.path);
  const ext = name.slice(name.lastIndexOf('.') + 1);
  const bytes = Uint8Array.from(atob(reply.data), (c) => c.charCodeAt(0));
  save(name, new Blob([bytes], { type: MIME[ext] ?? 'application/octet-stream' }));
  save(baseName(reply.csvPath), new Blob([csv.endsWith('\n') ? csv : csv + '\n'], { type: MIME.csv }));
}
