// The PDF report of a run, or of a run (B) against another (A): scenario parameters, summary,
// volume balance and audit (engine version, input hash), the maximum depth map and the
// difference map, impact tables, the probes' hydrographs. One language per report.
import type { RunCompare } from '../../models/runCompare';
import type { ImpactResult, RunGrid, RunRecord } from '../../models/runs';
import { Scenario } from '../../models/scenario';
import { BARRIER_RGB, facts, footers, heading, lineChart, mapPicture, newDoc, note, table, legend, MARGIN, PUMP_RGB, type Doc, type MapOverlay } from './layout';
import { cropToChange, DEPTH_LEGEND, DIFF_LEGEND, depthPng, diffPng } from './maps';
import { fill, REPORT_STRINGS, type ReportLang, type ReportStrings } from './strings';

export interface ReportData {
  lang: ReportLang;
  cityName: string;
  run: RunRecord;
  /** the run's stored input (the exact scenario it ran) */
  scenario: unknown;
  impact: ImpactResult;
  probes: { name: string; time: number[]; depth: number[] }[];
  depth: { grid: RunGrid; data: Float32Array };
  overlay: MapOverlay;
  /** prone point names in the report's language, by id */
  proneName(id: string): string | undefined;
  compare?: { a: RunRecord; table: RunCompare; diff: Float32Array };
  generatedAt: Date;
}

const TOP_ROWS = 25;

function numFmt(lang: ReportLang) {
  const f = (v: number, d = 0) => v.toLocaleString(lang === 'zh' ? 'zh-CN' : 'en-GB', { minimumFractionDigits: d, maximumFractionDigits: d });
  return f;
}

const clockHm = (s: number | null) => (s === null ? '–' : `${Math.floor(s / 3600)}:${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}`);

function scenarioFacts(S: ReportStrings, raw: unknown, num: ReturnType<typeof numFmt>, name: string): [string, string][] {
  const p = Scenario.safeParse(raw);
  if (!p.success) return [[S.params, JSON.stringify(raw).slice(0, 300)]];
  const s = p.data;
  const r = s.rainfall;
  const rain = !r ? S.rainNone : r.type === 'design'
    ? fill(S.rainDesign, { p: num(r.returnPeriodYears, r.returnPeriodYears < 1 ? 1 : 0), d: num(r.durationMin), r: r.peakCoefficient })
    : fill(S.rainTable, { n: r.table.length, max: num(Math.max(...r.table.map((x) => x.rainMmPerH)), 1) });
  const dr = (d: typeof s.drainage) => (!d ? S.none : 'rainMmPerH' in d ? fill(S.drainageRate, { v: num(d.rainMmPerH, 1) }) : fill(S.drainageReturn, { p: d.returnPeriodYears, c: d.concentrationMin }));
  const inf = s.infiltration;
  const infText = !inf ? S.none : inf.type === 'constant' ? `${num(inf.rateMmPerH, 1)} mm/h` : `Horton f0 ${inf.f0MmPerH} · fc ${inf.fcMmPerH} mm/h · k ${inf.kPerH}/h`;
  return [
    [S.scenario, name],
    [S.rain, rain],
    [S.drainage, dr(s.drainage)],
    [S.zones, s.drainageZones.length ? s.drainageZones.map((z, i) => `${z.name ?? `#${i + 1}`}: ${dr(z.drainage)}`).join('; ') : S.none],
    [S.infiltration, infText],
    [S.simTime, fill(S.minutes, { v: num(s.duration / 60) })],
    [S.outInterval, fill(S.minutes, { v: num(s.outputInterval / 60, 1) })],
    [S.cellSize, s.cellSize ? fill(S.metres, { v: s.cellSize }) : S.auto],
    [S.facilities, `${s.pumps.length} / ${s.inflows.length} / ${s.barriers.length} / ${s.probes.length}`],
  ];
}

function runFacts(S: ReportStrings, run: RunRecord, impact: ImpactResult, num: ReturnType<typeof numFmt>): [string, string][] {
  const sm = run.summary;
  const ha = (m2: number) => fill(S.ha, { v: num(m2 / 10_000, 2) });
  const over = (xs: { maxDepth_m: number }[]) => num(xs.filter((x) => x.maxDepth_m >= 0.15).length);
  return [
    [S.maxDepth, sm ? `${num(sm.maxDepth_m * 100)} cm` : '–'],
    [S.area15, sm ? ha(sm.floodedArea_m2.over15cm) : '–'],
    [S.area20, sm ? ha(sm.floodedArea_m2.over20cm) : '–'],
    [S.area27, sm ? ha(sm.floodedArea_m2.over27cm) : '–'],
    [S.roadsClosed, num(impact.counts.roadSegmentsClosed)],
    [S.pronePoints, `${over(impact.pronePoints)} / ${num(impact.pronePoints.length)}`],
    [S.buildings, over(impact.buildings)],
    [S.components, over(impact.components)],
  ];
}

function balance(doc: Doc, S: ReportStrings, run: RunRecord, num: ReturnType<typeof numFmt>) {
  heading(doc, S.balance, 12);
  const v = run.summary?.volumes ?? {};
  const rows = Object.entries(v).map(([k, x]) => [S.vol[k] ?? k, k === 'balanceRelativeError' ? x.toExponential(2) : `${num(x, 1)} m³`]);
  table(doc, [{ label: S.metric, width: 3 }, { label: '', width: 2, align: 'right' }], rows);
}

function impactTables(doc: Doc, d: ReportData, S: ReportStrings, num: ReturnType<typeof numFmt>) {
  heading(doc, S.impact);
  const im = d.impact;
  doc.fontSize(10).text(S.proneTable);
  const prone = [...im.pronePoints].sort((a, b) => b.maxDepth_m - a.maxDepth_m).slice(0, TOP_ROWS);
  table(doc, [{ label: S.colName, width: 4 }, { label: S.colMax, width: 1.6, align: 'right' }, { label: S.col15, width: 1.3, align: 'right' }, { label: S.col27, width: 1.3, align: 'right' }],
    prone.map((p) => [d.proneName(p.id) ?? p.name, num(p.maxDepth_m * 100), clockHm(p.over15cm_s), clockHm(p.over27cm_s)]));
  doc.fontSize(10).text(S.roadTable);
  const roads = im.roadSegments.filter((r) => r.maxDepth_m >= 0.27).sort((a, b) => b.maxDepth_m - a.maxDepth_m).slice(0, TOP_ROWS);
  if (roads.length) {
    table(doc, [{ label: S.colName, width: 4 }, { label: S.colLen, width: 1.3, align: 'right' }, { label: S.colMax, width: 1.6, align: 'right' }, { label: S.col27, width: 1.3, align: 'right' }],
      roads.map((r) => [`${r.name} #${r.segment}`, num(r.length_m), num(r.maxDepth_m * 100), clockHm(r.over27cm_s)]));
  } else note(doc, S.noneRows);
  doc.fontSize(10).text(S.gridTable);
  const grids = im.unitGrids.filter((g) => g.areaOver15cm_m2 > 0).sort((a, b) => b.areaOver15cm_m2 - a.areaOver15cm_m2).slice(0, TOP_ROWS);
  if (grids.length) {
    table(doc, [{ label: S.colCode, width: 3 }, { label: S.colArea, width: 1.6, align: 'right' }, { label: S.colMax, width: 1.6, align: 'right' }],
      grids.map((g) => [g.code, num(g.areaOver15cm_m2), num(g.maxDepth_m * 100)]));
  } else note(doc, S.noneRows);
}

function compareSection(doc: Doc, d: ReportData, S: ReportStrings, num: ReturnType<typeof numFmt>) {
  const c = d.compare!;
  const t = c.table;
  heading(doc, S.compare);
  facts(doc, [[S.runA, `${c.a.scenarioName} · ${c.a.id.slice(0, 8)}`], [S.runB, `${d.run.scenarioName} · ${d.run.id.slice(0, 8)}`]]);
  const ha = (m2: number) => num(m2 / 10_000, 2);
  const dl = (b: number, a: number, f: (v: number) => string) => `${b - a > 0 ? '+' : ''}${f(b - a)}`;
  const rows = ([['over15cm', S.area15], ['over20cm', S.area20], ['over27cm', S.area27]] as const).map(([k, l]) => [`${l} (ha)`, ha(t.area.a[k]), ha(t.area.b[k]), dl(t.area.b[k], t.area.a[k], ha)]);
  rows.push([S.roadsClosed, num(t.roadsClosed.a), num(t.roadsClosed.b), dl(t.roadsClosed.b, t.roadsClosed.a, (v) => num(v))]);
  table(doc, [{ label: S.metric, width: 3 }, { label: 'A', width: 1, align: 'right' }, { label: 'B', width: 1, align: 'right' }, { label: S.delta, width: 1, align: 'right' }], rows);
  note(doc, fill(S.cellsWorse, { a: ha(t.cells.worse_m2), b: ha(t.cells.better_m2) }));
  doc.moveDown(0.3);
  facts(doc, [[S.newly, num(t.counts.newlyFlooded ?? 0)], [S.worse, num(t.counts.worse ?? 0)], [S.better, num(t.counts.better ?? 0)], [S.noLonger, num(t.counts.noLongerFlooded ?? 0)]]);
  for (const [title, changes] of [[S.betterList, ['noLongerFlooded', 'better']], [S.worseList, ['newlyFlooded', 'worse']]] as const) {
    doc.fontSize(10).text(title, MARGIN);
    const list = t.rows.filter((r) => (changes as readonly string[]).includes(r.change)).sort((a, b) => Math.abs(b.deltaMaxDepth_m ?? 0) - Math.abs(a.deltaMaxDepth_m ?? 0)).slice(0, TOP_ROWS);
    if (!list.length) { note(doc, S.noneRows); continue; }
    const cm = (v: number | null) => (v === null ? '<15' : num(v * 100));
    table(doc, [{ label: S.colName, width: 4 }, { label: S.kind, width: 1.6 }, { label: S.colA, width: 1, align: 'right' }, { label: S.colB, width: 1, align: 'right' }, { label: S.colDelta, width: 1, align: 'right' }],
      list.map((r) => [(r.kind === 'pronePoint' ? d.proneName(r.id) : undefined) ?? r.name, S.kinds[r.kind] ?? r.kind, cm(r.maxDepthA_m), cm(r.maxDepthB_m), r.deltaMaxDepth_m === null ? '–' : `${r.deltaMaxDepth_m > 0 ? '+' : ''}${num(r.deltaMaxDepth_m * 100)}`]));
  }
}

/** The run's barriers and pumps, drawn over its maps (B's on a comparison's difference map). */
function measuresOf(raw: unknown): Pick<MapOverlay, 'barriers' | 'pumps'> {
  const p = Scenario.safeParse(raw);
  return p.success ? { barriers: p.data.barriers.map((b) => b.line), pumps: p.data.pumps.map((q) => q.at) } : {};
}

/** The report as PDF bytes. */
export async function buildReport(d: ReportData): Promise<Buffer> {
  const S = REPORT_STRINGS[d.lang];
  const num = numFmt(d.lang);
  const title = d.compare ? S.titleCompare : S.title;
  const doc = newDoc(`${title} · ${d.run.scenarioName}`, d.lang);
  const chunks: Buffer[] = [];
  doc.on('data', (c: Buffer) => chunks.push(c));
  const done = new Promise<void>((res, rej) => { doc.on('end', () => res()); doc.on('error', rej); });

  // page 1: what ran, what came out, the audit
  doc.fontSize(20).text(title, MARGIN, MARGIN);
  doc.fontSize(12).fillColor('#5b6675').text(`${d.cityName} · ${d.run.scenarioName}`).fillColor('#1b2330');
  doc.moveDown(0.4);
  facts(doc, [
    [S.city, d.cityName],
    [S.run, d.run.id],
    [S.finished, d.run.finishedAt ?? '–'],
    [S.generated, d.generatedAt.toISOString()],
  ]);
  heading(doc, S.params, 12);
  facts(doc, scenarioFacts(S, d.scenario, num, d.run.scenarioName));
  heading(doc, S.summary, 12);
  facts(doc, runFacts(S, d.run, d.impact, num));
  balance(doc, S, d.run, num);
  heading(doc, S.audit, 12);
  facts(doc, [[S.engine, d.run.engineVersion], [S.hash, d.run.inputHash]], 8.5);

  // maps
  doc.addPage();
  heading(doc, `${S.mapDepth}${d.compare ? ` · B` : ''}`);
  const g = d.depth.grid;
  const overlay: MapOverlay = { ...d.overlay, ...measuresOf(d.scenario) };
  const measures = [
    ...(overlay.barriers?.length ? [{ rgb: BARRIER_RGB, label: `${S.legendBarrier}${d.compare ? ' · B' : ''}` }] : []),
    ...(overlay.pumps?.length ? [{ rgb: PUMP_RGB, label: `${S.legendPump}${d.compare ? ' · B' : ''}` }] : []),
  ];
  mapPicture(doc, depthPng(g, d.depth.data), g, overlay, d.compare ? 300 : 560);
  legend(doc, [...DEPTH_LEGEND.map((l) => ({ rgb: l.rgb, label: l[d.lang] })), ...measures]);
  note(doc, fill(S.mapNote, { cols: g.cols, rows: g.rows, cell: g.cellSize }));
  if (d.compare) {
    const crop = cropToChange(d.compare.table.grid, d.compare.diff);
    heading(doc, S.mapDiff);
    mapPicture(doc, diffPng(crop.grid, crop.data), crop.grid, overlay, 300);
    legend(doc, [{ rgb: DIFF_LEGEND.worse, label: S.legendWorse }, { rgb: DIFF_LEGEND.better, label: S.legendBetter }, { rgb: [255, 255, 255], label: fill(S.legendNeutral, { cm: DIFF_LEGEND.neutralCm }) }, ...measures]);
  }

  // tables
  doc.addPage();
  if (d.compare) compareSection(doc, d, S, num);
  impactTables(doc, d, S, num);

  // hydrographs
  heading(doc, S.hydro);
  if (d.probes.length) lineChart(doc, d.probes.map((p) => ({ name: p.name, t: p.time, v: p.depth })), S.depthM, S.timeH);
  else note(doc, S.hydroNone);

  footers(doc, (n, m) => `${title} · ${d.run.scenarioName} · ${fill(S.page, { n, m })}`);
  doc.end();
  await done;
  return Buffer.concat(chunks);
}
