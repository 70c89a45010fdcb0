/**
 * Publication export of any chart. The figure is redrawn off-screen at the journal
 * column width (single 3.5 in, double 7.16 in) in CSS pixels (96 per inch), with 8 pt
 * Helvetica, 1 pt axes and ~1.1 pt lines, then written as
 *   SVG — plotly's vector output (the host sets its physical size and metadata);
 *   PNG — plotly's raster at scale dpi/96 (the host writes the DPI into pHYs);
 *   PDF — the SVG converted to vector PDF by svg2pdf.js/jsPDF, Info naming the runs, its
 *         text in DejaVu Sans embedded from resources/fonts (journal upload checkers
 *         refuse PDFs with unembedded fonts, and base-14 Helvetica has no U+2212 minus).
 * The plotted data go to the host as CSV, written beside the figure.
 */
import type { ApiReply, JournalPreset } from '../../../src-preload/contract.js';
import { figureCsv } from '../lib/csv.js';
import { figureSize } from '../lib/figure-size.js';
import type { FigureSpec } from '../lib/figure-spec.js';
import type { Transport } from '../transport/transport.js';
import { inBrowserMode } from './download.js';
import { panelAxes } from './panels.js';
import { loadPlotly, markerShapes, toTraces } from './plotly.js';
import type { PlotLayout } from 'plotly.js-dist-min';
import boldFontUrl from '../../../resources/fonts/DejaVuSans-Bold.ttf?url';
import regularFontUrl from '../../../resources/fonts/DejaVuSans.ttf?url';

export { figureSize };

export type ExportFormat = 'svg' | 'png300' | 'png600' | 'pdf';
export const EXPORT_FORMATS: { value: ExportFormat; label: string }[] = [
  { value: 'svg', label: 'SVG (vector)' },
  { value: 'png300', label: 'PNG 300 dpi' },
  { value: 'png600', label: 'PNG 600 dpi' },
  { value: 'pdf', label: 'PDF (vector)' },
];

const PX_PER_IN = 96;
const PT_PX = PX_PER_IN / 72;
const FONT = 'Helvetica, Arial, sans-serif';

export function publicationLayout(fig: FigureSpec, widthPx: number, heightPx: number, family = FONT): PlotLayout {
  const font = { family, size: 8 * PT_PX, color: '#000000' };
  const axis = {
    linewidth: PT_PX, showline: true, mirror: true, ticks: 'outside' as const, tickwidth: PT_PX, ticklen: 3 * PT_PX,
    gridwidth: 0.5 * PT_PX, zeroline: false, tickfont: font, automargin: true, exponentformat: 'power' as const,
  };
  if (fig.panels) {
    const column = widthPx < 5 * PX_PER_IN;
    return {
      width: widthPx, height: heightPx, font, paper_bgcolor: '#ffffff', plot_bgcolor: '#ffffff',
      margin: { l: 42, r: 8, t: 16, b: column ? 70 : 60 },
      ...panelAxes(fig, column ? 'column' : 'row', { ...axis, title: { text: '', font, standoff: 2 } }, font, column ? 0.07 : 0.08),
      showlegend: true,
      legend: { font: { ...font, size: 7 * PT_PX }, orientation: 'h', x: 0, xanchor: 'left', y: column ? -0.04 : -0.22, yanchor: 'top' },
    };
  }
  return {
    width: widthPx,
    height: heightPx,
    font,
    paper_bgcolor: '#ffffff',
    plot_bgcolor: '#ffffff',
    margin: { l: 40, r: 8, t: 8, b: 34 },
    showlegend: fig.traces.length > 1,
    legend: { font: { ...font, size: 7 * PT_PX }, x: 1, xanchor: 'right', y: 1, yanchor: 'top', bgcolor: 'rgba(255,255,255,0.8)' },
    xaxis: { ...axis, title: { text: fig.xLabel, font, standoff: 2 } },
    yaxis: { ...axis, type: fig.yLog ? 'log' : 'linear', title: { text: fig.yLabel, font, standoff: 2 } },
    shapes: markerShapes(fig, 0.75 * PT_PX),
  };
}

function svgFromDataUrl(url: string): string {
  const comma = url.indexOf(',');
  const body = url.slice(comma + 1);
  return url.slice(0, comma).endsWith(';base64') ? atob(body) : decodeURIComponent(body);
}

function bytesToBase64(bytes: Uint8Array): string {
  let s = '';
  for (let i = 0; i < bytes.length; i += 0x8000) s += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(s);
}

/** The name jsPDF knows the embedded font by; every font-family of the SVG is mapped to it. */
const PDF_FONT = 'DejaVuSans';
/**
 * jsPDF style → file. svg2pdf asks for the style an element's weight and slant name and
 * falls back to a base-14 font (not embedded) when the family lacks it, so every style is
 * registered; there is no oblique file, so italics print upright.
 */
const PDF_FONT_STYLES = { normal: regularFontUrl, bold: boldFontUrl, italic: regularFontUrl, bolditalic: boldFontUrl } as const;
const fontBase64 = new Map<string, Promise<string>>();

function loadFont(url: string): Promise<string> {
  let p = fontBase64.get(url);
  if (!p) {
    p = fetch(url)
      .then((r) => {
        if (!r.ok) throw new Error(`export: the PDF font ${url} could not be loaded (HTTP ${r.status})`);
        return r.arrayBuffer();
      })
      .then((b) => bytesToBase64(new Uint8Array(b)));
    fontBase64.set(url, p);
  }
  return p;
}

/**
 * The PDF's font as a web font, so plotly measures legends and margins with the metrics
 * the PDF will have (DejaVu Sans is wider than Helvetica: measured with Helvetica, the
 * legend ran off the page).
 */
let pdfFaces: Promise<void> | null = null;
function loadPdfFaces(): Promise<void> {
  pdfFaces ??= Promise.all(
    [[regularFontUrl, 'normal'], [boldFontUrl, 'bold']].map(async ([url, weight]) => {
      const face = new FontFace(PDF_FONT, `url(${url})`, { weight });
      document.fonts.add(await face.load());
    }),
  ).then(() => undefined);
  return pdfFaces;
}

async function embedFonts(doc: import('jspdf').jsPDF): Promise<void> {
  for (const [style, url] of Object.entries(PDF_FONT_STYLES)) {
    const file = url === boldFontUrl ? `${PDF_FONT}-Bold.ttf` : `${PDF_FONT}.ttf`;
    if (!doc.existsFileInVFS(file)) doc.addFileToVFS(file, await loadFont(url));
    doc.addFont(file, PDF_FONT, style);
  }
  doc.setFont(PDF_FONT, 'normal');
}

/** Vector PDF of an SVG at widthIn × heightIn inches, the embedded font, metadata naming the runs. */
async function svgToPdf(svgText: string, fig: FigureSpec, widthIn: number, heightIn: number): Promise<string> {
  const [{ jsPDF }, { svg2pdf }] = await Promise.all([import('jspdf'), import('svg2pdf.js')]);
  // svg2pdf picks the jsPDF font named by font-family; name ours everywhere.
  const pdfSvg = svgText.replace(/font-family:\s*[^;"]+/g, `font-family: ${PDF_FONT}`);
  const el = new DOMParser().parseFromString(pdfSvg, 'image/svg+xml').documentElement as unknown as SVGSVGElement;
  if (!el.getAttribute('viewBox')) el.setAttribute('viewBox', `0 0 ${el.getAttribute('width')} ${el.getAttribute('height')}`);
  // svg2pdf reads computed styles, so the SVG must be in the document while it converts.
  const host = document.createElement('div');
  host.style.cssText = 'position:fixed;left:-10000px;top:0;visibility:hidden';
  host.appendChild(document.importNode(el, true));
  document.body.appendChild(host);
  try {
    const w = widthIn * 72;
    const h = heightIn * 72;
    // putOnlyUsedFonts: otherwise jsPDF lists all 14 standard fonts, unembedded, on every page.
    const doc = new jsPDF({ unit: 'pt', format: [w, h], orientation: w > h ? 'landscape' : 'portrait', compress: true, putOnlyUsedFonts: true });
    await embedFonts(doc);
    doc.setProperties({
      title: fig.title,
      subject: `Flowbench figure of run ${fig.runIds.join(', ')}`,
      keywords: `flowbench run_id=${fig.runIds.join(',')}`,
      creator: 'Flowbench',
    });
    await svg2pdf(host.firstElementChild as Element, doc, { x: 0, y: 0, width: w, height: h });
    return bytesToBase64(new Uint8Array(doc.output('arraybuffer')));
  } finally {
    host.remove();
  }
}

export async function exportFigure(
  transport: Transport,
  fig: FigureSpec,
  format: ExportFormat,
  preset: JournalPreset,
): Promise<ApiReply<'exportFigure'>> {
  if (fig.runIds.length === 0) throw new Error('export: this chart belongs to no run yet');
  const Plotly = await loadPlotly();
  const { widthIn, heightIn } = figureSize(preset, fig);
  const width = Math.round(widthIn * PX_PER_IN);
  const height = Math.round(heightIn * PX_PER_IN);
  if (format === 'pdf') await loadPdfFaces();
  const family = format === 'pdf' ? PDF_FONT : FONT;
  const figure = { data: toTraces(fig, 1.1 * PT_PX), layout: publicationLayout(fig, width, height, family) };
  const common = { runIds: fig.runIds, name: fig.id, preset, widthIn, heightIn, csv: figureCsv(fig), returnData: inBrowserMode() };
  if (format === 'png300' || format === 'png600') {
    const dpi = format === 'png300' ? 300 : 600;
    const url = await Plotly.toImage(figure, { format: 'png', width, height, scale: dpi / PX_PER_IN });
    return transport.call('exportFigure', { ...common, format: 'png', dpi, data: url.slice(url.indexOf(',') + 1) });
  }
  const svg = svgFromDataUrl(await Plotly.toImage(figure, { format: 'svg', width, height }));
  if (format === 'svg') return transport.call('exportFigure', { ...common, format: 'svg', data: svg });
  return transport.call('exportFigure', { ...common, format: 'pdf', data: await svgToPdf(svg, fig, widthIn, heightIn) });
}
