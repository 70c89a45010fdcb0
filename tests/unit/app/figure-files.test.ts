import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { deflateSync } from 'node:zlib';
import { afterEach, describe, expect, it } from 'vitest';
import { stampPng, stampSvg, writeFigure } from '../../../src-main/host/evaluate/figure-files.js';
import { readPng } from '../../e2e/support/figure-files.js';

/** A real 2×1 RGB PNG built by hand (its own CRC code, independent of stampPng's). */
function tinyPng(): Buffer {
  const crcTable = Array.from({ length: 256 }, (_, n) => {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    return c >>> 0;
  });
  const crc = (b: Buffer) => {
    let c = 0xffffffff;
    for (const x of b) c = crcTable[(c ^ x) & 0xff] ^ (c >>> 8);
    return (c ^ 0xffffffff) >>> 0;
  };
  const chunk = (type: string, data: Buffer) => {
    const len = Buffer.alloc(4);
    len.writeUInt32BE(data.length);
    const td = Buffer.concat([Buffer.from(type, 'latin1'), data]);
    const c = Buffer.alloc(4);
    c.writeUInt32BE(crc(td));
    return Buffer.concat([len, td, c]);
  };
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(2, 0);
  ihdr.writeUInt32BE(1, 4);
  ihdr[8] = 8;
  ihdr[9] = 2;
  const raw = Buffer.from([0, 255, 0, 0, 0, 0, 255]);
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr),
    chunk('pHYs', Buffer.from([0, 0, 0x0b, 0x13, 0, 0, 0x0b, 0x13, 1])), // 72 dpi, to be replaced
    chunk('IDAT', deflateSync(raw)),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

let dir: string | null = null;
afterEach(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
  dir = null;
});

describe('figure files', () => {
  it('stampPng writes one pHYs with the DPI (pixels per metre) and tEXt with the run ids, keeping the image', () => {
    const out = stampPng(tinyPng(), 600, { 'Flowbench-Run-Ids': 'r1 r2' });
    dir = mkdtempSync(path.join(tmpdir(), 'fb-png-'));
    const file = path.join(dir, 'a.png');
    writeFileSync(file, out);
    const info = readPng(file);
    expect(info).toMatchObject({ width: 2, height: 1, dpiX: 600, dpiY: 600 });
    expect(info.text['Flowbench-Run-Ids']).toBe('r1 r2');
    expect(out.toString('latin1').split('pHYs').length - 1).toBe(1);
    expect(out.readUInt32BE(out.indexOf('pHYs') + 4)).toBe(Math.round(600 / 0.0254));
  });

  it('stampPng refuses data that is not a PNG', () => {
    expect(() => stampPng(Buffer.from('hello world, not an image at all'), 300, {})).toThrow(/not a PNG/);
  });

  it('stampSvg sets the physical size, keeps a viewBox and names the runs', () => {
    const svg = stampSvg('<svg xmlns="http://www.w3.org/2000/svg" width="336" height="250"><g/></svg>', 3.5, 2.6, ['r1'], 'loss');
    expect(svg).toMatch(/<svg viewBox="0 0 336 250"[^>]* width="3.5in" height="2.6in"/);
    expect(svg).toContain('<metadata><flowbench');
    expect(svg).toContain('run-ids="r1"');
  });

  it('writeFigure writes the figure and its CSV side by side and refuses a fake PDF', () => {
    dir = mkdtempSync(path.join(tmpdir(), 'fb-fig-'));
    const base = { runIds: ['r1'], name: 'loss', preset: 'single' as const, widthIn: 3.5, heightIn: 2.6, csv: 'series,x,y\na,1,2' };
    const r = writeFigure(dir, { ...base, format: 'svg', data: '<svg width="10" height="10"></svg>' });
    expect(path.basename(r.path)).toBe('loss-single.svg');
    expect(readFileSync(r.csvPath, 'utf8')).toBe('series,x,y\na,1,2\n');
    // the same export again never overwrites the first
    const again = writeFigure(dir, { ...base, format: 'svg', data: '<svg width="20" height="20"></svg>' });
    expect(path.basename(again.path)).toBe('loss-single-2.svg');
    expect(path.basename(again.csvPath)).toBe('loss-single-2.csv');
    expect(readFileSync(r.path, 'utf8')).toContain('viewBox="0 0 10 10"'); // still the first figure
    expect(readFileSync(again.path, 'utf8')).toContain('viewBox="0 0 20 20"');
    expect(() => writeFigure(dir!, { ...base, format: 'pdf', data: Buffer.from('nope').toString('base64') })).toThrow(/not a PDF/);
  });
});
