import { z } from 'zod';
import { citySlugSchema } from './city';
import { componentClassCodeSchema } from './components';

// The contract of a city import (server/city/import, `npm run twin -- import`, the /import page):
// what a file is, how its attributes map to the city's layers, what the check found, and the
// summary of what was stored.

export const IMPORT_FORMATS = ['geojson', 'csv', 'cityjson', 'geotiff', 'ascii-grid', '3dtiles'] as const;
export const importFormatSchema = z.enum(IMPORT_FORMATS);
export type ImportFormat = z.infer<typeof importFormatSchema>;

/** the city layer a file fills */
export const IMPORT_ROLES = ['terrain', 'buildings', 'components', 'grids', 'roads', 'prone'] as const;
export const importRoleSchema = z.enum(IMPORT_ROLES);
export type ImportRole = z.infer<typeof importRoleSchema>;

/** "EPSG:4326", "epsg:7415", or a bare number */
export const crsCodeSchema = z
  .union([z.string(), z.number()])
  .transform((v) => String(v).trim().toUpperCase().replace(/^EPSG:/, ''))
  .pipe(z.string().regex(/^\d{4,5}$/, 'CRS must be an EPSG code, e.g. EPSG:4326'))
  .transform((s) => Number(s));

/** How one file's attributes map to the city (the same JSON for the CLI's --mapping and the page). */
export const fileMappingSchema = z.object({
  /** the layer this file fills (detected from the geometry when absent) */
  as: importRoleSchema.optional(),
  /** EPSG code when the file does not say */
  crs: crsCodeSchema.optional(),
  /** coordinates carry the GCJ-02 offset (published Chinese web maps): convert to WGS84 */
  gcj02: z.boolean().optional(),
  /** components: one class for every feature of the file */
  class: componentClassCodeSchema.optional(),
  /** components: the attribute holding the class name, and its values mapped to class codes
   *  (null = leave those features out, reported as a warning) */
  classField: z.string().min(1).optional(),
  classes: z.record(z.string(), componentClassCodeSchema.nullable()).optional(),
  /** components: the attribute holding a 17-digit (or legacy 16-digit) code, kept when valid */
  codeField: z.string().min(1).optional(),
  /** buildings: height in metres, or storeys (x 3 m) */
  heightField: z.string().min(1).optional(),
  storeysField: z.string().min(1).optional(),
  /** grids: the 15-digit unit grid code */
  gridCodeField: z.string().min(1).optional(),
  /** names of prone points and roads */
  nameField: z.string().min(1).optional(),
  /** CSV: coordinate columns (detected from lon/lat, longitude/latitude, x/y when absent) */
  xField: z.string().min(1).optional(),
  yField: z.string().min(1).optional(),
});
export type FileMapping = z.infer<typeof fileMappingSchema>;

/** --mapping file: per file name (or "*" for every file) */
export const mappingFileSchema = z.record(z.string(), fileMappingSchema);
export type MappingFile = z.infer<typeof mappingFileSchema>;

export const importOptionsSchema = z.object({
  city: citySlugSchema,
  name: z.string().min(1).max(200).optional(),
  /** 6-digit county code (GB/T 2260) for generated grid and component codes */
  adminCode: z.string().regex(/^\d{6}$/, 'admin code must be 6 digits (GB/T 2260)').optional(),
  /** EPSG code for every file that does not name its own */
  crs: crsCodeSchema.optional(),
  replace: z.boolean().default(false),
});
export type ImportOptions = z.infer<typeof importOptionsSchema>;

export const importProblemSchema = z.object({
  file: z.string(),
  /** feature index in the file (0-based), absent for a file-wide problem */
  index: z.number().int().nonnegative().optional(),
  /** 1-based line, when the format has lines (CSV, ASCII grid) */
  line: z.number().int().positive().optional(),
  field: z.string().optional(),
  severity: z.enum(['error', 'warning']),
  message: z.string(),
});
export type ImportProblem = z.infer<typeof importProblemSchema>;

export const importFileReportSchema = z.object({
  file: z.string(),
  format: importFormatSchema,
  /** what the file becomes; a 3D Tiles tileset is drawn as it is ('tileset', not a mapping choice) */
  role: z.union([importRoleSchema, z.literal('tileset')]),
  crs: z.number().int().nullable(),
  crsSource: z.enum(['file', 'option', 'default', 'missing']),
  features: z.number().int().nonnegative(),
  accepted: z.number().int().nonnegative(),
  /**
   * components the class mapping leaves out on purpose: a kind with no GB/T 47678.5 class the twin
   * has a code for (traffic signals in Cambridge's data); each is also listed as a warning
   */
  leftOut: z.number().int().nonnegative().optional(),
  /** WGS84 bounds [west, south, east, north] */
  bounds: z.tuple([z.number(), z.number(), z.number(), z.number()]).nullable(),
  /** attribute names seen (for the mapping form) and, for a class field, its values and counts */
  fields: z.array(z.string()),
  classValues: z.record(z.string(), z.number().int()).optional(),
});
export type ImportFileReport = z.infer<typeof importFileReportSchema>;

export const importSummarySchema = z.object({
  city: citySlugSchema,
  created: z.boolean(),
  terrain: z.object({ cols: z.number().int(), rows: z.number().int(), cellSize: z.number(), source: z.enum(['dem', 'flat', 'kept']) }),
  buildings: z.number().int(),
  components: z.number().int(),
  unitGrids: z.number().int(),
  responsibilityGrids: z.number().int(),
  roads: z.number().int(),
  pronePoints: z.number().int(),
  tilesets: z.number().int(),
  warnings: z.number().int(),
  errors: z.number().int(),
});
export type ImportSummary = z.infer<typeof importSummarySchema>;

export const importCheckSchema = z.object({
  ok: z.boolean(),
  files: z.array(importFileReportSchema),
  problems: z.array(importProblemSchema),
  /** problems beyond the list's cap, still counted */
  moreProblems: z.number().int().nonnegative(),
  summary: importSummarySchema,
});
export type ImportCheck = z.infer<typeof importCheckSchema>;

// --- the /import page's HTTP API (server/city/import/http.ts) ---

/** an upload larger than this is refused (413) before it is stored */
export const MAX_UPLOAD_BYTES = 100 * 1024 * 1024;
export const uploadSessionSchema = z.string().regex(/^[a-z0-9-]{8,64}$/, 'session: 8-64 lowercase letters, digits, dashes');
/** a file name, or a path inside a dropped folder ("city/tiles/1.b3dm": a tileset's tiles), never leaving it */
export const uploadNameSchema = z.string().min(1).max(300).regex(/^[^/\\\0]+(\/[^/\\\0]+)*$/, 'a file name or a relative path')
  .refine((s) => s.split('/').every((p) => p !== '.' && p !== '..'), 'a path without . or .. parts');

export const importJobRequestSchema = importOptionsSchema.extend({
  session: uploadSessionSchema,
  files: z.array(uploadNameSchema).min(1, 'choose at least one file').max(200),
  mapping: mappingFileSchema.default({}),
  /** false: check only, store nothing */
  commit: z.boolean().default(false),
});
export type ImportJobRequest = z.input<typeof importJobRequestSchema>;

export const importJobStatusSchema = z.object({
  id: z.string(),
  state: z.enum(['running', 'done', 'failed', 'cancelled']),
  phase: z.enum(['parse', 'build', 'store', 'done']),
  file: z.string().optional(),
  fileIndex: z.number().int().optional(),
  files: z.number().int().optional(),
  features: z.number().int().optional(),
  commit: z.boolean(),
  check: importCheckSchema.optional(),
  error: z.string().optional(),
});
export type ImportJobStatus = z.infer<typeof importJobStatusSchema>;
