// The report's words in both languages (the UI's language picks one: ?lang=zh|en).
export const REPORT_LANGS = ['zh', 'en'] as const;
export type ReportLang = (typeof REPORT_LANGS)[number];

const zh = {
  title: '内涝模拟报告',
  titleCompare: '内涝方案对比报告',
  city: '城市', scenario: '情景', run: '运行', finished: '完成时间', generated: '生成时间', page: '第 {n} 页 / 共 {m} 页',
  params: '情景参数', rain: '降雨', rainDesign: '设计暴雨：{p} 年一遇，历时 {d} 分钟，雨峰系数 r = {r}',
  rainTable: '实测/表格降雨：{n} 行，最大 {max} mm/h', rainNone: '无降雨',
  drainage: '管网排水', drainageRate: '{v} mm/h', drainageReturn: '按 {p} 年一遇设计（汇流时间 {c} 分钟）', none: '无',
  zones: '分区排水', infiltration: '下渗', simTime: '模拟时长', outInterval: '输出间隔', cellSize: '计算网格',
  facilities: '泵站 / 入流 / 挡水 / 监测点', minutes: '{v} 分钟', metres: '{v} 米', auto: '地形原始网格',
  summary: '结果摘要', maxDepth: '最大水深', area15: '≥15 cm 面积', area20: '≥20 cm 面积', area27: '≥27 cm 面积',
  roadsClosed: '封闭路段（≥27 cm）', pronePoints: '受淹易涝点（≥15 cm）', buildings: '受淹建筑（≥15 cm）', components: '受淹部件（≥15 cm）',
  balance: '水量平衡', vol: { rain_m3: '降雨', inflow_m3: '入流', drainage_m3: '管网排出', infiltration_m3: '下渗', pumped_m3: '泵站抽排', outflow_m3: '边界流出', storedStart_m3: '初始蓄水', storedEnd_m3: '末了蓄水', balanceError_m3: '平衡误差', balanceRelativeError: '相对误差' } as Record<string, string>,
  audit: '审计信息', engine: '引擎版本', hash: '输入哈希（SHA-256）',
  mapDepth: '最大水深图', mapDiff: '最大水深差值图（B − A）', legendWorse: '更深（更糟）', legendBetter: '更浅（更好）', legendNeutral: '±{cm} cm 内不着色', legendBarrier: '挡水墙', legendPump: '泵站',
  mapNote: '网格 {cols} × {rows}，{cell} 米；北向上；灰色为建筑',
  impact: '影响', proneTable: '易涝点（按最大水深）', roadTable: '封闭路段', gridTable: '单元网格（≥15 cm 面积）',
  colName: '名称', colMax: '最大水深 cm', col15: '到 15 cm', col27: '到 27 cm', colLen: '长度 m', colArea: '面积 m²', colCode: '编码',
  hydro: '监测点过程线', hydroNone: '本情景未设置监测点。', depthM: '水深 (m)', timeH: '时间 (h)',
  compare: '对比', runA: '基准 A', runB: '方案 B', metric: '指标', delta: 'Δ',
  changes: '资产变化', newly: '新增受淹', worse: '更糟', better: '更好', noLonger: '不再受淹',
  worseList: '变糟的资产', betterList: '变好的资产', colA: 'A cm', colB: 'B cm', colDelta: 'Δ cm', kind: '类型',
  kinds: { pronePoint: '易涝点', roadSegment: '路段', building: '建筑', component: '部件', unitGrid: '单元网格' } as Record<string, string>,
  cellsWorse: '变深面积 {a} 公顷 · 变浅面积 {b} 公顷', ha: '{v} 公顷', noneRows: '无',
};

export type ReportStrings = typeof zh;

const en: ReportStrings = {
  title: 'Flood simulation report',
  titleCompare: 'Flood scenario comparison report',
  city: 'City', scenario: 'Scenario', run: 'Run', finished: 'Finished', generated: 'Generated', page: 'Page {n} of {m}',
  params: 'Scenario parameters', rain: 'Rain', rainDesign: 'Design storm: {p}-year, {d} min, peak coefficient r = {r}',
  rainTable: 'Recorded/table rain: {n} rows, peak {max} mm/h', rainNone: 'No rain',
  drainage: 'Pipe drainage', drainageRate: '{v} mm/h', drainageReturn: 'designed for a {p}-year storm (concentration {c} min)', none: 'none',
  zones: 'Drainage zones', infiltration: 'Infiltration', simTime: 'Simulated time', outInterval: 'Output interval', cellSize: 'Compute grid',
  facilities: 'Pumps / inflows / barriers / probes', minutes: '{v} min', metres: '{v} m', auto: "the terrain's own",
  summary: 'Summary', maxDepth: 'Maximum depth', area15: 'Area ≥15 cm', area20: 'Area ≥20 cm', area27: 'Area ≥27 cm',
  roadsClosed: 'Road segments closed (≥27 cm)', pronePoints: 'Prone points flooded (≥15 cm)', buildings: 'Buildings flooded (≥15 cm)', components: 'Components flooded (≥15 cm)',
  balance: 'Volume balance', vol: { rain_m3: 'Rain', inflow_m3: 'Inflow', drainage_m3: 'Pipe drainage', infiltration_m3: 'Infiltration', pumped_m3: 'Pumped', outflow_m3: 'Boundary outflow', storedStart_m3: 'Stored at start', storedEnd_m3: 'Stored at end', balanceError_m3: 'Balance error', balanceRelativeError: 'Relative error' },
  audit: 'Audit', engine: 'Engine version', hash: 'Input hash (SHA-256)',
  mapDepth: 'Maximum depth', mapDiff: 'Difference of maximum depth (B − A)', legendWorse: 'deeper (worse)', legendBetter: 'shallower (better)', legendNeutral: 'within ±{cm} cm not coloured', legendBarrier: 'barrier', legendPump: 'pump',
  mapNote: 'Grid {cols} × {rows}, {cell} m; north up; buildings grey',
  impact: 'Impact', proneTable: 'Prone points (by maximum depth)', roadTable: 'Road segments closed', gridTable: 'Unit grids (area ≥15 cm)',
  colName: 'Name', colMax: 'Max depth cm', col15: 'To 15 cm', col27: 'To 27 cm', colLen: 'Length m', colArea: 'Area m²', colCode: 'Code',
  hydro: 'Probe hydrographs', hydroNone: 'The scenario has no probes.', depthM: 'Depth (m)', timeH: 'Time (h)',
  compare: 'Comparison', runA: 'Baseline A', runB: 'Option B', metric: 'Measure', delta: 'Δ',
  changes: 'Assets that changed', newly: 'Newly flooded', worse: 'Worse', better: 'Better', noLonger: 'No longer flooded',
  worseList: 'Assets worse', betterList: 'Assets better', colA: 'A cm', colB: 'B cm', colDelta: 'Δ cm', kind: 'Kind',
  kinds: { pronePoint: 'Prone point', roadSegment: 'Road segment', building: 'Building', component: 'Component', unitGrid: 'Unit grid' },
  cellsWorse: '{a} ha deeper · {b} ha shallower', ha: '{v} ha', noneRows: 'None',
};

export const REPORT_STRINGS: Record<ReportLang, ReportStrings> = { zh, en };

/** "{name}" placeholders filled in */
export function fill(s: string, v: Record<string, string | number>): string {
  return s.replace(/\{(\w+)\}/g, (_, k: string) => String(v[k] ?? `{${k}}`));
}
