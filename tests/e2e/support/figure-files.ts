/** Readers for the exported files: PNG chunks, PDF dictionaries, SVG root attributes. */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

export interface PngInfo {
  width: number;
  height: number;
  /** From pHYs (unit metre), rounded. */
  dpiX: number | null;
  dpiY: number | null;
  text: Record<string, string>;
}

export function readPng(file: string): PngInfo {
  const b = readFileSync(file);
  if (b.readUInt32BE(0) !== 0x89504e47) throw new Error(`${file} is not a PNG`);
  let off = 8;
  const info: PngInfo = { width: 0, height: 0, dpiX: null, dpiY: null, text: {} };
  while (off < b.length) {
    const len = b.readUInt32BE(off);
    const type = b.toString('latin1', off + 4, off + 8);
    const data = b.subarray(off + 8, off + 8 + len);
    if (type === 'IHDR') {
      info.width = data.readUInt32BE(0);
      info.height = data.readUInt32BE(4);
    } else if (type === 'pHYs' && data[8] === 1) {
      info.dpiX = Math.round(data.readUInt32BE(0) * 0.0254);
      info.dpiY = Math.round(data.readUInt32BE(4) * 0.0254);
    } else if (type === 'tEXt') {
      const nul = data.indexOf(0);
      info.text[data.toString('latin1', 0, nul)] = data.toString('latin1', nul + 1);
    }
    off += 12 + len;
  }
  return info;
}

export interface PdfInfo {
  mediaBox: number[];
  baseFonts: string[];
  embeddedFonts: boolean;
  images: boolean;
  keywords: string | null;
}

export function readPdf(file: string): PdfInfo {
  const t = readFileSync(file).toString('latin1');
  if (!t.startsWith('%PDF-')) throw new Error(`${file} is not a PDF`);
  const box = t.match(/\/MediaBox\s*\[([^\]]+)\]/);
  return {
    mediaBox: box ? box[1].trim().split(/\s+/).map(Number) : [],
    baseFonts: [...new Set([...t.matchAll(/\/BaseFont\s*\/([\w+-]+)/g)].map((m) => m[1]))],
    embeddedFonts: /\/FontFile[23]?\b/.test(t),
    images: /\/Subtype\s*\/Image/.test(t),
    keywords: t.match(/\/Keywords\s*\(([^)]*)\)/)?.[1] ?? null,
  };
}

export function svgRoot(file: string): string {
  return readFileSync(file, 'utf8').match(/<svg\b[^>]*>/)?.[0] ?? '';
}

/** `pdffonts FILE` (Debian poppler-utils): each font with whether it is embedded. */
export function pdfFonts(file: string): { name: string; embedded: boolean }[] {
  const out = execFileSync('pdffonts', [file], { encoding: 'utf8' });
  // name type encoding emb sub uni object ID — the header and a dashed rule come first.
  return out.split('\n').slice(2).filter((l) => l.trim() !== '').map((line) => {
    const cols = line.trim().split(/\s+/);
    return { name: cols[0]!, embedded: cols[cols.length - 5] === 'yes' };
  });
}

/** `pdftotext FILE -` (poppler-utils): the text a reader extracts, as whitespace-separated words. */
export function pdfWords(file: string): string[] {
  return execFileSync('pdftotext', [file, '-'], { encoding: 'utf8' }).split(/\s+/).filter(Boolean);
}

/** The tick labels of a plotly SVG (its .xtick/.ytick texts, a superscript's tspans joined), in order. */
export function svgTickLabels(file: string): string[] {
  const svg = readFileSync(file, 'utf8');
  return [...svg.matchAll(/<g class="[xy]tick">\s*<text[^>]*>([\s\S]*?)<\/text>/g)].map((m) =>
    m[1]!.replace(/<[^>]+>/g, '').replace(/&#8203;|\u200b/g, '').trim(),
  );
}
