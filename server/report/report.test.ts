// The PDF report from made-up results (no server): its pages, its words in both languages, the
// audit lines, and the comparison's extra map and tables. Read back with pdf.js.
import { writeFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import type { RunCompare } from '../../models/runCompare';
import type { ImpactResult, RunRecord } from '../../models/runs';
import { cropToChange } from './maps';
import { pdfPages } from './pdfText';
import { buildReport, type ReportData } from './report';

const grid = { cols: 40, rows: 30, cellSize: 10, xll: 0, yll: 0 };
const depth = Float32Array.from({ length: 1200 }, (_, i) => ((i % 40) / 40) * 0.6);
const ex = (h: number) => ({ maxDepth_m: h, timeOfMax_s: 1800, over15cm_s: h >= 0.15 ? 900 : null, over20cm_s: null, over27cm_s: h >= 0.27 ? 1200 : null });
const impact: ImpactResult = {
  thresholds_m: [0.15, 0.2, 0.27],
  counts: { pronePoints: 2, roadSegments: 1, roadSegmentsClosed: 1, buildings: 0, components: 0, unitGrids: 1 },
  pronePoints: [{ id: 'P1', name: 'Low street', x: 50, y: 50, ...ex(0.42) }, { id: 'P2', name: 'Dry hill', x: 300, y: 200, ...ex(0.01) }],
  roadSegments: [{ roadId: 1, name: 'Ring road', kind: 'main', segment: 3, from: [0, 0], to: [100, 0], length_m: 100, ...ex(0.3) }],
  buildings: [], components: [],
  unitGrids: [{ code: '110101001001', areaOver15cm_m2: 2500, areaOver20cm_m2: 1000, areaOver27cm_m2: 500, ...ex(0.5) }],
};
const run = (id: string, name: string): RunRecord => ({
  id, city: 'demo', scenarioId: null, scenarioName: name, status: 'succeeded', queuePosition: null, progress: null, error: null,
  createdAt: '2026-12-06T04:00:00Z', startedAt: '2026-12-06T04:00:01Z', finishedAt: '2026-12-06T04:02:00Z',
  engineVersion: '0.1.0+kernel.abc123', inputHash: 'f'.repeat(64), grid, outputInterval: 600, frameCount: 7,
  summary: { volumes: { rain_m3: 12345.6, drainage_m3: 2000, storedEnd_m3: 10345.6, balanceError_m3: 0.001, balanceRelativeError: 8e-8 }, floodedArea_m2: { over15cm: 50_000, over20cm: 30_000, over27cm: 10_000 }, maxDepth_m: 0.6, cellUpdatesPerSecond: 1e7, kernel: 'wasm' },
});
const B = run('3f2b1c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d', 'With the wall');
const A = run('9a8b7c6d-5e4f-4321-8fed-cba987654321', 'Today');
const scenario = {
  name: 'With the wall', terrain: { source: 'city' }, cellSize: 10, duration: 7200, outputInterval: 600,
  rainfall: { type: 'design', formula: 'beijing', returnPeriodYears: 100, durationMin: 120, peakCoefficient: 0.355 },
  drainage: { returnPeriodYears: 2 }, probes: [{ name: 'gauge 1', at: [50, 50] }],
};
const data = (lang: 'zh' | 'en', compare?: ReportData['compare'], sc: object = scenario): ReportData => ({
  lang, cityName: lang === 'zh' ? '示例城' : 'Demo city', run: B, scenario: sc, impact,
  probes: [{ name: 'gauge 1', time: [0, 1800, 3600, 5400, 7200], depth: [0, 0.1, 0.4, 0.3, 0.2] }],
  depth: { grid, data: depth },
  overlay: { buildings: [[10, 10, 60, 10, 60, 40, 10, 40]], roads: [[0, 150, 400, 150]] },
  proneName: (id) => (id === 'P1' ? (lang === 'zh' ? '低洼街' : 'Low street') : undefined),
  compare, generatedAt: new Date('2026-12-06T05:00:00Z'),
});

describe('the PDF report', () => {
  it('of a run, in Chinese: parameters, summary, balance, audit, map, tables, hydrograph', async () => {
    const pdf = await buildReport(data('zh'));
    expect(pdf.subarray(0, 5).toString()).toBe('%PDF-');
    const pages = await pdfPages(pdf);
    expect(pages.length).toBe(3);
    const all = pages.join('\n');
    for (const s of ['内涝模拟报告', '示例城', '情景参数', '设计暴雨：100 年一遇', '水量平衡', '降雨', '0.1.0+kernel.abc123', 'f'.repeat(64), '最大水深图', '低洼街', 'Ring road #3', '110101001001', '监测点过程线', 'gauge 1', '第 1 页 / 共 3 页']) {
      expect(all, s).toContain(s);
    }
    // the summary is on the first page, the map on the second
    expect(pages[0]).toContain('≥15 cm');
    expect(pages[1]).toContain('网格 40 × 30，10 米');
    // no barrier or pump in this scenario: none in the map's legend
    expect(pages[1]).not.toContain('挡水墙');
  });

  it('of a comparison, in English: the difference map and the A/B tables too', async () => {
    const diff = Float32Array.from({ length: 1200 }, (_, i) => (i < 600 ? -0.2 : 0.05));
    const table: RunCompare = {
      a: A.id, b: B.id, grid, neutral_m: 0.02, sameGrid: true,
      cells: { worse_m2: 60_000, better_m2: 60_000, newlyWet_m2: 0, noLongerWet_m2: 0, maxIncrease_m: 0.05, maxDecrease_m: 0.2 },
      area: { a: { over15cm: 80_000, over20cm: 50_000, over27cm: 20_000 }, b: B.summary!.floodedArea_m2 },
      roadsClosed: { a: 3, b: 1 }, counts: { better: 1, worse: 0, newlyFlooded: 0, noLongerFlooded: 0, same: 1 },
      rows: [{ kind: 'pronePoint', id: 'P1', name: 'Low street', x: 50, y: 50, change: 'better', maxDepthA_m: 0.7, maxDepthB_m: 0.42, deltaMaxDepth_m: -0.28, overA_s: [600, 700, 800], overB_s: [900, null, 1200] }],
    } as RunCompare;
    // option B's wall and pump are drawn on both maps, named in their legends
    const withMeasures = { ...scenario, barriers: [{ line: [[100, 100], [200, 120]], height: 1.2 }], pumps: [{ at: [150, 150], capacity: 1 }] };
    const pdf = await buildReport(data('en', { a: A, table, diff }, withMeasures));
    const pages = await pdfPages(pdf);
    expect(pages[1]!.match(/barrier · B/g)).toHaveLength(2);
    expect(pages[1]!.match(/pump · B/g)).toHaveLength(2);
    if (process.env.REPORT_PDF_OUT) await writeFile(process.env.REPORT_PDF_OUT, pdf); // to look at it (pdftoppm)
    const all = pages.join('\n');
    for (const s of ['Flood scenario comparison report', 'Baseline A', 'Today', 'Difference of maximum depth (B − A)', 'Assets better', 'Low street', '-28', 'Page 1 of']) expect(all, s).toContain(s);
    expect(all).not.toMatch(/[\u4e00-\u9fff]/);
  });

  it('crops the difference map to where something changed, with a margin', () => {
    const g = { cols: 100, rows: 100, cellSize: 10, xll: 1000, yll: 2000 };
    const diff = new Float32Array(100 * 100);
    diff[10 * 100 + 95] = 0.5; // row 10 (north), column 95
    const c = cropToChange(g, diff, 200);
    // 200 m across centred on the cell (columns 85-105), clipped at the grid's east edge
    expect(c.grid.xll).toBe(1000 + 85 * 10);
    expect(c.grid.xll + c.grid.cols * 10).toBe(2000);
    expect(c.grid.rows).toBe(21);
    // the changed cell keeps its place: its centre's local x, y map back to it
    const col = Math.floor((1955 - c.grid.xll) / 10), row = c.grid.rows - 1 - Math.floor((2000 + 895 - c.grid.yll) / 10);
    expect(c.data[row * c.grid.cols + col]).toBeCloseTo(0.5);
    expect(c.data.filter((v) => v !== 0)).toHaveLength(1);
    expect(cropToChange(g, new Float32Array(10000)).grid).toBe(g);
  });
});
