/**
 * Writes an exported figure and its data: `<dir>/<stem>.<svg|png|pdf>` + `<stem>.csv`,
 * never over an earlier export (`<stem>-2`, `-3`, … when the name is taken).
 * The renderer draws the figure (plotly → SVG/PNG, svg2pdf → PDF); the host stamps what
 * a journal and a later reader need: PNG gets a pHYs chunk with the DPI and tEXt chunks
 * with the run ids; SVG gets a <metadata> element; the PDF already carries them in its
 * Info dictionary (set by the renderer) and is checked to be a PDF.
 */
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { ApiReply, ApiRequest } from '../../../src-preload/contract.js';
import { insideDir } from '../paths.js';

type ExportRequest = ApiRequest<'exportFigure'>;

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

const CRC_TABLE = (() => {
  const t = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    t[n] = c >>> 0;
  }
  return t;
})();

function crc32(buf: Buffer): number {
  let c = 0xffffffff;
  for (const b of buf) c = CRC_TABLE[(c ^ b) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

function pngChunk(type: string, data: Buffer): Buffer {
  const head = Buffer.alloc(8);
  head.writeUInt32BE(data.length, 0);
  head.write(type, 4, 'latin1');
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(Buffer.concat([head.subarray(4), data])), 0);
  return Buffer.concat([head, data, crc]);
}

/**
 * Returns the PNG with its pHYs (pixels per metre = dpi / 0.0254) replaced and tEXt
 * chunks added right after IHDR. Throws when `png` is not a PNG.
 */
export function stampPng(png: Buffer, dpi: number, text: Record<string, string>): Buffer {
  if (png.length < 33 || !png.subarray(0, 8).equals(PNG_SIGNATURE)) throw new Error('exportFigure: data is not a PNG file');
  const chunks: Buffer[] = [];
  let offset = 8;
  while (offset < png.length) {
    const len = png.readUInt32BE(offset);
    const type = png.toString('latin1', offset + 4, offset + 8);
    const end = offset + 12 + len;
    if (type !== 'pHYs') chunks.push(png.subarray(offset, end));
    if (type === 'IHDR') {
      const ppm = Math.round(dpi / 0.0254);
      const phys = Buffer.alloc(9);
      phys.writeUInt32BE(ppm, 0);
      phys.writeUInt32BE(ppm, 4);
      phys.writeUInt8(1, 8); // unit: metre
      chunks.push(pngChunk('pHYs', phys));
      for (const [k, v] of Object.entries(text)) chunks.push(pngChunk('tEXt', Buffer.from(`${k}\0${v}`, 'latin1')));
    }
    offset = end;
  }
  return Buffer.concat([PNG_SIGNATURE, ...chunks]);
}

function escapeXml(s: string): string {
  return s.replace(/[<>&"]/g, (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', '"': '&quot;' })[c] ?? c);
}

/** Puts the physical size on the root <svg> and a <metadata> element naming the runs. */
export function stampSvg(svg: string, widthIn: number, heightIn: number, runIds: string[], title: string): string {
  const open = svg.match(/<svg\b[^>]*>/);
  if (!open) throw new Error('exportFigure: data is not an SVG document (no <svg> element)');
  let tag = open[0];
  const wPx = Number(tag.match(/\swidth="([\d.]+)(px)?"/)?.[1]);
  const hPx = Number(tag.match(/\sheight="([\d.]+)(px)?"/)?.[1]);
  if (!/viewBox=/.test(tag) && wPx > 0 && hPx > 0) tag = tag.replace(/^<svg\b/, `<svg viewBox="0 0 ${wPx} ${hPx}"`);
  tag = tag.replace(/\swidth="[^"]*"/, ` width="${widthIn}in"`).replace(/\sheight="[^"]*"/, ` height="${heightIn}in"`);
  tag = tag.replace(/>$/, ` data-flowbench-run-ids="${escapeXml(runIds.join(' '))}">`);
  const meta =
    `<metadata><flowbench xmlns="https://flowbench.invalid/figure" run-ids="${escapeXml(runIds.join(' '))}">` +
    `${escapeXml(title)}</flowbench></metadata>`;
  return svg.replace(open[0], tag + meta);
}

export function writeFigure(dir: string, req: ExportRequest): ApiReply<'exportFigure'> {
  mkdirSync(dir, { recursive: true });
  const base = `${req.name}-${req.preset}${req.format === 'png' ? `-${req.dpi ?? 300}dpi` : ''}`;
  let stem = base;
  for (let n = 2; existsSync(path.join(dir, `${stem}.${req.format}`)) || existsSync(path.join(dir, `${stem}.csv`)); n++) stem = `${base}-${n}`;
  const file = insideDir(dir, `${stem}.${req.format}`, 'figure file');
  const csvPath = insideDir(dir, `${stem}.csv`, 'figure data file');
  let bytes: Buffer;
  if (req.format === 'svg') {
    bytes = Buffer.from(stampSvg(req.data, req.widthIn, req.heightIn, req.runIds, req.name), 'utf8');
  } else if (req.format === 'png') {
    bytes = stampPng(Buffer.from(req.data, 'base64'), req.dpi ?? 300, {
      Title: req.name,
      Software: 'Flowbench',
      'Flowbench-Run-Ids': req.runIds.join(' '),
    });
  } else {
    bytes = Buffer.from(req.data, 'base64');
    if (bytes.subarray(0, 5).toString('latin1') !== '%PDF-') throw new Error('exportFigure: data is not a PDF file');
  }
  // 'wx': should another export take the name between the check and here, fail rather than overwrite.
  writeFileSync(file, bytes, { flag: 'wx' });
  writeFileSync(csvPath, req.csv.endsWith('\n') ? req.csv : req.csv + '\n', { flag: 'wx' });
  return {
    path: path.resolve(file), csvPath: path.resolve(csvPath), bytes: bytes.length,
    ...(req.returnData ? { data: bytes.toString('base64') } : {}),
  };
}
