// Drawing helpers of the PDF report on pdfkit: the font, headings, tables that break across
// pages, a map picture with the city's buildings drawn over it, a line chart, page footers.
import PDFDocument from 'pdfkit';
import type { RunGrid } from '../../models/runs';
import { cjkFont } from './fonts';

export type Doc = PDFKit.PDFDocument;
export const MARGIN = 42;
const INK = '#1b2330', MUTED = '#5b6675', RULE = '#c9d0da';

/** A new A4 document with the CJK font registered as 'body' (Helvetica when none is installed and the report is English). */
export function newDoc(title: string, lang: 'zh' | 'en'): Doc {
  const doc = new PDFDocument({ size: 'A4', margin: MARGIN, bufferPages: true, info: { Title: title, Creator: 'city twin' }, lang: lang === 'zh' ? 'zh-CN' : 'en' });
  const f = cjkFont();
  if (f) doc.registerFont('body', f.path, f.family || undefined);
  else if (lang === 'zh') throw new Error('no CJK font installed for a Chinese report (install fonts-noto-cjk)');
  else doc.registerFont('body', 'Helvetica');
  doc.font('body').fillColor(INK);
  return doc;
}

export const contentWidth = (doc: Doc) => doc.page.width - doc.page.margins.left - doc.page.margins.right;
const bottom = (doc: Doc) => doc.page.height - doc.page.margins.bottom;

/** Room for h points below the cursor, else a new page. */
export function ensure(doc: Doc, h: number) {
  if (doc.y + h > bottom(doc)) doc.addPage();
}

export function heading(doc: Doc, text: string, size = 14) {
  ensure(doc, size * 3);
  doc.moveDown(0.6).fontSize(size).fillColor(INK).text(text, MARGIN, doc.y);
  const y = doc.y + 2;
  doc.moveTo(MARGIN, y).lineTo(MARGIN + contentWidth(doc), y).lineWidth(0.6).strokeColor(RULE).stroke();
  doc.y = y + 6;
}

export function note(doc: Doc, text: string) {
  doc.fontSize(8.5).fillColor(MUTED).text(text, MARGIN, doc.y, { width: contentWidth(doc) }).fillColor(INK);
}

export interface Column { label: string; width: number; align?: 'left' | 'right' }

/** A table; rows that do not fit go on to the next page under a repeated header. */
export function table(doc: Doc, cols: Column[], rows: string[][], size = 8.5) {
  const total = cols.reduce((s, c) => s + c.width, 0);
  const scale = contentWidth(doc) / total;
  const w = cols.map((c) => c.width * scale);
  const rowH = size * 1.75;
  const line = (cells: string[], y: number, head: boolean) => {
    let x = MARGIN;
    doc.fontSize(size).fillColor(head ? MUTED : INK);
    cells.forEach((c, i) => {
      doc.text(c, x + 3, y + (rowH - size) / 2 - 1, { width: w[i]! - 6, align: cols[i]!.align ?? 'left', lineBreak: false, ellipsis: true, height: rowH });
      x += w[i]!;
    });
    doc.moveTo(MARGIN, y + rowH).lineTo(MARGIN + contentWidth(doc), y + rowH).lineWidth(head ? 0.8 : 0.3).strokeColor(RULE).stroke();
  };
  // doc.text moves the cursor: each row sets it from its own top
  const header = () => { const y = doc.y; line(cols.map((c) => c.label), y, true); doc.y = y + rowH; };
  ensure(doc, rowH * 3);
  header();
  for (const r of rows) {
    if (doc.y + rowH > bottom(doc)) { doc.addPage(); header(); }
    const y = doc.y;
    line(r, y, false);
    doc.y = y + rowH;
  }
  doc.fillColor(INK);
  doc.x = MARGIN;
  doc.moveDown(0.4);
}

/** Label: value pairs in two columns. */
export function facts(doc: Doc, pairs: [string, string][], size = 9.5) {
  const labelW = contentWidth(doc) * 0.34;
  for (const [k, v] of pairs) {
    ensure(doc, size * 2);
    const y = doc.y;
    doc.fontSize(size).fillColor(MUTED).text(k, MARGIN, y, { width: labelW - 8 });
    const h1 = doc.y - y;
    doc.fillColor(INK).text(v, MARGIN + labelW, y, { width: contentWidth(doc) - labelW });
    doc.y = Math.max(doc.y, y + h1) + 2;
  }
  doc.x = MARGIN;
}

export interface MapOverlay {
  buildings: number[][];
  roads: number[][];
  /** the scenario's measures, over everything: barrier lines and pump points (local x, y) */
  barriers?: [number, number][][];
  pumps?: [number, number][];
}

/** colours of the measures on the report's maps (the 3D view's: orange walls, blue pumps) */
export const BARRIER_RGB = [232, 89, 12] as const;
export const PUMP_RGB = [28, 126, 214] as const;

/** A run-grid picture (PNG, row 0 north) scaled into the width, with roads and buildings drawn on it; returns its height. */
export function mapPicture(doc: Doc, png: Uint8Array, grid: RunGrid, overlay: MapOverlay, maxH: number): number {
  const gw = grid.cols * grid.cellSize, gh = grid.rows * grid.cellSize;
  const s = Math.min(contentWidth(doc) / gw, maxH / gh);
  const w = gw * s, h = gh * s;
  ensure(doc, h + 10);
  const x0 = MARGIN + (contentWidth(doc) - w) / 2, y0 = doc.y;
  doc.image(Buffer.from(png), x0, y0, { width: w, height: h });
  const px = (x: number) => x0 + (x - grid.xll) * s;
  const py = (y: number) => y0 + (grid.yll + gh - y) * s;
  doc.save();
  doc.rect(x0, y0, w, h).clip();
  doc.lineWidth(0.5).strokeColor('#7d8794').strokeOpacity(0.5);
  for (const r of overlay.roads) {
    if (r.length < 4) continue;
    doc.moveTo(px(r[0]!), py(r[1]!));
    for (let k = 2; k < r.length; k += 2) doc.lineTo(px(r[k]!), py(r[k + 1]!));
    doc.stroke();
  }
  doc.fillColor('#8a8f96').fillOpacity(0.75);
  for (const r of overlay.buildings) {
    if (r.length < 6) continue;
    const pts: [number, number][] = [];
    for (let k = 0; k < r.length; k += 2) pts.push([px(r[k]!), py(r[k + 1]!)]);
    doc.polygon(...pts).fill();
  }
  doc.fillOpacity(1).strokeOpacity(1);
  // at least 1.5 pt wide: a wall is one cell or less, thinner than a hairline at this scale
  // a dark casing under the orange, so a wall reads on the red and orange depth classes too
  const wall = Math.max(1.5, 2 * s);
  doc.lineCap('round').lineJoin('round');
  for (const [width, colour] of [[wall + 1.6, '#212529'], [wall, hex(BARRIER_RGB)]] as const) {
    doc.lineWidth(width).strokeColor(colour);
    for (const line of overlay.barriers ?? []) {
      if (line.length < 2) continue;
      doc.moveTo(px(line[0]![0]), py(line[0]![1]));
      for (const [x, y] of line.slice(1)) doc.lineTo(px(x), py(y));
      doc.stroke();
    }
  }
  doc.lineWidth(0.8).strokeColor('#ffffff').fillColor(hex(PUMP_RGB));
  for (const [x, y] of overlay.pumps ?? []) doc.circle(px(x), py(y), 3.5).fillAndStroke();
  doc.lineCap('butt').lineJoin('miter');
  doc.restore();
  doc.fillOpacity(1).strokeOpacity(1).fillColor(INK);
  doc.rect(x0, y0, w, h).lineWidth(0.6).strokeColor(RULE).stroke();
  doc.y = y0 + h + 6;
  doc.x = MARGIN;
  return h;
}

/** Colour swatches with labels on one line (wrapping). */
export function legend(doc: Doc, items: { rgb: readonly number[]; label: string }[]) {
  let x = MARGIN;
  const y0 = doc.y;
  let y = y0;
  doc.fontSize(8.5);
  for (const it of items) {
    const tw = doc.widthOfString(it.label) + 24;
    if (x + tw > MARGIN + contentWidth(doc)) { x = MARGIN; y += 14; }
    doc.rect(x, y + 1, 10, 10).fillColor(hex(it.rgb)).fill();
    doc.fillColor(INK).text(it.label, x + 14, y + 1, { lineBreak: false });
    x += tw;
  }
  doc.y = y + 16;
  doc.x = MARGIN;
}

const SERIES = ['#2f6fde', '#d9482b', '#2a9d5c', '#9b59b6', '#e6a100', '#17a2b8'];

/** A line chart of series over time (s on the axis as hours). */
export function lineChart(doc: Doc, series: { name: string; t: number[]; v: number[] }[], yLabel: string, xLabel: string, h = 170) {
  ensure(doc, h + 40);
  const x0 = MARGIN + 34, y0 = doc.y + 4, w = contentWidth(doc) - 40;
  const tMax = Math.max(1, ...series.flatMap((s) => s.t));
  const vMax = Math.max(0.05, ...series.flatMap((s) => s.v)) * 1.1;
  doc.lineWidth(0.6).strokeColor(RULE).rect(x0, y0, w, h).stroke();
  doc.fontSize(7.5).fillColor(MUTED);
  for (let k = 0; k <= 4; k++) {
    const v = (vMax * k) / 4, y = y0 + h - (h * k) / 4;
    doc.text(v.toFixed(2), MARGIN, y - 4, { width: 30, align: 'right', lineBreak: false });
    if (k) doc.moveTo(x0, y).lineTo(x0 + w, y).lineWidth(0.2).strokeColor(RULE).stroke();
  }
  const hours = tMax / 3600;
  for (let k = 0; k <= 4; k++) doc.text((hours * k / 4).toFixed(1), x0 + (w * k) / 4 - 15, y0 + h + 3, { width: 30, align: 'center', lineBreak: false });
  doc.text(`${yLabel} · ${xLabel}`, x0, y0 + h + 14, { lineBreak: false });
  series.forEach((s, i) => {
    if (!s.t.length) return;
    doc.moveTo(x0 + (w * s.t[0]!) / tMax, y0 + h - (h * s.v[0]!) / vMax);
    for (let k = 1; k < s.t.length; k++) doc.lineTo(x0 + (w * s.t[k]!) / tMax, y0 + h - (h * Math.max(0, s.v[k]!)) / vMax);
    doc.lineWidth(1.1).strokeColor(SERIES[i % SERIES.length]!).stroke();
  });
  doc.y = y0 + h + 30;
  doc.x = MARGIN;
  legend(doc, series.map((s, i) => ({ rgb: hexRgb(SERIES[i % SERIES.length]!), label: s.name })));
}

const hex = (rgb: readonly number[]) => `#${rgb.map((v) => v.toString(16).padStart(2, '0')).join('')}`;

function hexRgb(hex: string) {
  const v = parseInt(hex.slice(1), 16);
  return [(v >> 16) & 255, (v >> 8) & 255, v & 255];
}

/** "title · page n of m" at the foot of every page (the document keeps its pages buffered). */
export function footers(doc: Doc, text: (n: number, m: number) => string) {
  const range = doc.bufferedPageRange();
  for (let i = range.start; i < range.start + range.count; i++) {
    doc.switchToPage(i);
    const keep = doc.page.margins.bottom;
    doc.page.margins.bottom = 0;
    doc.fontSize(7.5).fillColor(MUTED).text(text(i + 1, range.count), MARGIN, doc.page.height - 28, { width: contentWidth(doc), align: 'center', lineBreak: false });
    doc.page.margins.bottom = keep;
  }
}
