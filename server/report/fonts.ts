// The report's font: Noto Sans CJK from the system (Debian fonts-noto-cjk), read at run time so it
// is not shipped in the repository. Without it a Chinese report cannot be written (refused with a
// clear message); an English one falls back to PDF's built-in Helvetica.
import { existsSync } from 'node:fs';

const CANDIDATES: { path: string; family: string }[] = [
  { path: '/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc', family: 'NotoSansCJKsc-Regular' },
  { path: '/usr/share/fonts/noto-cjk/NotoSansCJK-Regular.ttc', family: 'NotoSansCJKsc-Regular' },
  { path: '/usr/share/fonts/google-noto-cjk/NotoSansCJK-Regular.ttc', family: 'NotoSansCJKsc-Regular' },
  { path: '/usr/share/fonts/opentype/noto/NotoSansCJKsc-Regular.otf', family: '' },
  { path: '/usr/share/fonts/truetype/wqy/wqy-microhei.ttc', family: 'WenQuanYiMicroHei' },
];

export interface ReportFont { path: string; family: string }

let found: ReportFont | null | undefined;

/** The first CJK font present, or null (looked up once). */
export function cjkFont(): ReportFont | null {
  if (found === undefined) found = CANDIDATES.find((c) => existsSync(c.path)) ?? null;
  return found;
}
