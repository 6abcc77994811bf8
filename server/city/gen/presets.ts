// Presets of the sample city: its size, density and place.
export interface GenerateOptions {
  preset: 'default' | 'huaibei';
  seed?: number;
  slug?: string;
}

export const DEFAULT_SEED = 1;

export interface PresetConfig {
  name: { zh: string; en: string };
  slug: string;
  /** lattice cells west-east and south-north: one unit grid per cell */
  cols: number;
  rows: number;
  meanSpacingM: number;
  /** responsibility grids: cols x rows rectangles of cells; streets: rectangles of those */
  respCols: number;
  respRows: number;
  streetCols: number;
  streetRows: number;
  demCellM: number;
  rivers: number;
  pronePoints: number;
  proneSpacingM: number;
  centres: number;
  /** exact component count, reached by tuning the flexible classes' density then trimming */
  targetComponents?: number;
}

export const PRESETS: Record<GenerateOptions['preset'], PresetConfig> = {
  default: {
    name: { zh: '湖州市吴兴区', en: 'Wuxing District, Huzhou' },
    slug: 'huzhou',
    cols: 20, rows: 20, meanSpacingM: 100,
    respCols: 4, respRows: 2, streetCols: 2, streetRows: 1,
    demCellM: 5, rivers: 1, pronePoints: 10, proneSpacingM: 300, centres: 1,
  },
  // Huaibei's scale (STANDARDS.md): 4,851 unit grids = 63 x 77 cells, 72 responsibility grids
  // = 8 x 9, 462,894 components; about 6.3 x 7.7 km.
  huaibei: {
    name: { zh: '湖州市吴兴区（淮北规模）', en: 'Wuxing District, Huzhou (Huaibei scale)' },
    slug: 'huaibei',
    cols: 63, rows: 77, meanSpacingM: 100,
    respCols: 8, respRows: 9, streetCols: 3, streetRows: 3,
    demCellM: 5, rivers: 2, pronePoints: 90, proneSpacingM: 350, centres: 3,
    targetComponents: 462_894,
  },
};

// Wuxing District, Huzhou: GB/T 2260 code 330502; origin near the old town.
export const ADMIN_CODE = '330502';
export const ORIGIN_LON = 120.09;
export const ORIGIN_LAT = 30.87;
