'use client';
import { useEffect, useRef } from 'react';
import * as echarts from 'echarts/core';
import { BarChart } from 'echarts/charts';
import { GridComponent } from 'echarts/components';
import { CanvasRenderer } from 'echarts/renderers';
import { CASE_CLASSES } from '../../../models/cases';
import type { CockpitSummary } from '../../../models/cockpit';
import type { MessageKey } from '../../i18n';
import type { CockpitText } from './useCockpitSummary';

echarts.use([BarChart, GridComponent, CanvasRenderer]);

type Rows = { key: string; count: number }[];

/**
 * One horizontal bar chart (ECharts, canvas). It sits in the scaled 1920x1080 layer: its canvas
 * is drawn at the screen's pixels (devicePixelRatio x the layer's scale), so 4K is sharp, not a
 * blown-up 1080p image. Made once, updated with setOption, disposed on unmount.
 */
function Bars({ title, rows, label, scale, testId }: { title: string; rows: Rows; label: (k: string) => string; scale: number; testId: string }) {
  const el = useRef<HTMLDivElement>(null);
  const chart = useRef<echarts.ECharts | null>(null);
  useEffect(() => {
    const c = echarts.init(el.current!, undefined, { renderer: 'canvas', devicePixelRatio: (window.devicePixelRatio || 1) * scale });
    chart.current = c;
    return () => { c.dispose(); chart.current = null; };
  }, [scale]);
  useEffect(() => {
    const top = rows.slice(0, 6).reverse();
    chart.current?.setOption({
      animation: false,
      grid: { left: 8, right: 40, top: 4, bottom: 4, containLabel: true },
      xAxis: { type: 'value', show: false, minInterval: 1 },
      yAxis: { type: 'category', data: top.map((r) => label(r.key)), axisLine: { show: false }, axisTick: { show: false }, axisLabel: { color: '#c9d6ea', fontSize: 16, width: 150, overflow: 'truncate' } },
      series: [{ type: 'bar', data: top.map((r) => r.count), barWidth: 16, itemStyle: { color: '#3fa7ff', borderRadius: [0, 4, 4, 0] }, label: { show: true, position: 'right', color: '#fff', fontSize: 16 } }],
    }, { notMerge: true });
  }, [rows, label]);
  return (
    <section className="cp-panel cp-chart" data-testid={testId}>
      <h2>{title}</h2>
      <div ref={el} className="cp-chart-body" />
      {!rows.length && <p className="cp-empty">—</p>}
    </section>
  );
}

const CHARTS: { key: 'byClass' | 'byDepartment' | 'byGrid'; title: MessageKey }[] = [
  { key: 'byClass', title: 'cockpit.charts.class' },
  { key: 'byDepartment', title: 'cockpit.charts.dept' },
  { key: 'byGrid', title: 'cockpit.charts.grid' },
];

export function CaseCharts({ summary, x, scale }: { summary: CockpitSummary | null; x: CockpitText; scale: number }) {
  const cases = summary?.cases;
  const labels = {
    byClass: (k: string) => { const c = CASE_CLASSES.find((k2) => k2.code === k); return c ? c[x.lang] : k; },
    byDepartment: (k: string) => k,
    // the grid's serial within its community: the last digits of its 15-digit code
    byGrid: (k: string) => (k.length > 6 ? `…${k.slice(-6)}` : k),
  };
  return (
    <div className="cp-charts">
      {CHARTS.map((c) => <Bars key={c.key} testId={`chart-${c.key}`} title={x.t(c.title)} rows={cases?.[c.key] ?? EMPTY} label={labels[c.key]} scale={scale} />)}
    </div>
  );
}
const EMPTY: Rows = [];
