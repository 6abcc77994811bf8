// Strings of the share link, the side-by-side / swipe compare and the PDF report buttons, spread
// into zh.ts and en.ts (their own file, beside workspace.ts).
export const shareZh = {
  'cmpview.label': '显示方式',
  'cmpview.diff': '差值图',
  'cmpview.split': '并排',
  'cmpview.swipe': '卷帘',
  'cmpview.handle': '拖动分隔线比较 A 与 B',
  'cmpview.loading': '正在载入第二视图…',
  'report.run': '导出报告 PDF',
  'report.compare': '导出对比报告 PDF',
  'report.pdfTitle': '一键生成 PDF：情景参数、地图、影响表、过程线、水量平衡、引擎版本与输入哈希',
  'share.copy': '复制链接',
  'share.copied': '链接已复制',
  'share.title': '地址栏保存当前视图（运行、时间、视角、图层、选择、对比）；复制后在别处打开即是同一画面',
} as const;

export const shareEn: Record<keyof typeof shareZh, string> = {
  'cmpview.label': 'Show as',
  'cmpview.diff': 'Difference',
  'cmpview.split': 'Side by side',
  'cmpview.swipe': 'Swipe',
  'cmpview.handle': 'Drag the divider to compare A and B',
  'cmpview.loading': 'Loading the second view…',
  'report.run': 'Report (PDF)',
  'report.compare': 'Comparison report (PDF)',
  'report.pdfTitle': 'One PDF: scenario parameters, maps, impact tables, hydrographs, volume balance, engine version and input hash',
  'share.copy': 'Copy link',
  'share.copied': 'Link copied',
  'share.title': 'The address bar holds this view (run, time, camera, layers, selection, comparison): open it elsewhere to see the same',
};
