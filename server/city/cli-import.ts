// `npm run twin -- import <city-slug> <file>... [--crs EPSG:NNNN] [--name "..."] [--replace] ...`
// Checks every file and feature first; stores nothing (exit 2) when the check finds an error.
// The last line of output is the JSON summary.
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { z } from 'zod';
import { citySlugSchema } from '../../models/city';
import {
  crsCodeSchema, fileMappingSchema, importOptionsSchema, importRoleSchema, mappingFileSchema, type FileMapping, type ImportProblem, type MappingFile,
} from '../../models/cityImport';
import { componentClassCodeSchema } from '../../models/components';

const USAGE = `usage: npm run twin -- import <city-slug> [options] <file>... 
  files      GeoJSON, CSV, CityJSON, GeoTIFF, ESRI ASCII grid (.asc, its .prj beside it is read)
  --crs EPSG:NNNN   coordinate system of files that do not state theirs
  --name "..."      the city's display name
  --admin-code NNNNNN  6-digit county code (GB/T 2260) for generated grid and component codes
  --replace         start the city afresh (default: add to the stored city, a DEM replaces its terrain)
  --mapping m.json  per-file mapping {"<file name>" or "*": {as, class, classField, classes, codeField,
                    heightField, storeysField, gridCodeField, nameField, xField, yField, crs, gcj02}}
  --as ROLE         the files that follow fill: terrain|buildings|components|grids|roads|prone
  --class CODE      the files that follow are components of this class (e.g. 01037 street light)
  --gcj02           the files that follow have GCJ-02 offset coordinates
  --check           check only: report, store nothing`;

interface Args { city: string; files: { path: string; name: string; over: FileMapping }[]; crs?: number; name?: string; adminCode?: string; replace: boolean; mapping: MappingFile; check: boolean }

export function parseArgs(argv: string[]): Args {
  const out: Args = { city: '', files: [], replace: false, mapping: {}, check: false };
  let over: FileMapping = {};
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    const value = () => { const v = argv[++i]; if (v === undefined) throw new Error(`${a} needs a value`); return v; };
    const parse = <T>(schema: z.ZodType<T>, v: string): T => {
      const r = schema.safeParse(v);
      if (!r.success) throw new Error(`${a} "${v}": ${r.error.issues[0]!.message}`);
      return r.data;
    };
    switch (a) {
      case '--crs': out.crs = parse(crsCodeSchema, value()); break;
      case '--name': out.name = value(); break;
      case '--admin-code': out.adminCode = value(); break;
      case '--replace': out.replace = true; break;
      case '--check': out.check = true; break;
      case '--mapping': {
        const p = value();
        let json: unknown;
        try { json = JSON.parse(readFileSync(p, 'utf8')); } catch (e) { throw new Error(`--mapping ${p}: ${(e as Error).message}`); }
        const r = mappingFileSchema.safeParse(json);
        if (!r.success) throw new Error(`--mapping ${p}: ${r.error.issues.map((q) => `${q.path.join('.')}: ${q.message}`).join('; ')}`);
        out.mapping = r.data;
        break;
      }
      case '--as': over = { ...over, as: parse(importRoleSchema, value()) }; break;
      case '--class': over = { ...over, class: parse(componentClassCodeSchema, value()) }; break;
      case '--gcj02': over = { ...over, gcj02: true }; break;
      case '--help': case '-h': throw new HelpRequested();
      default:
        if (a.startsWith('--')) throw new Error(`unknown option "${a}"`);
        if (!out.city) out.city = parse(citySlugSchema, a);
        else out.files.push({ path: a, name: basename(a), over });
    }
  }
  if (!out.city) throw new Error('give the city slug');
  if (!out.files.length) throw new Error('give at least one file');
  return out;
}

class HelpRequested extends Error {}

export const formatProblem = (p: ImportProblem) =>
  `${p.severity}: ${p.file || '(import)'}${p.index !== undefined ? ` feature ${p.index}` : ''}${p.line ? ` line ${p.line}` : ''}${p.field ? ` [${p.field}]` : ''}: ${p.message}`;

export async function run(argv: string[]): Promise<number> {
  let args: Args;
  try {
    args = parseArgs(argv);
  } catch (err) {
    if (err instanceof HelpRequested) { console.log(USAGE); return 0; }
    console.error(`twin import: ${(err as Error).message}\n\n${USAGE}`);
    return 2;
  }
  const mapping: MappingFile = { ...args.mapping };
  for (const f of args.files) {
    const base = args.mapping[f.name] ?? args.mapping['*'] ?? {};
    mapping[f.name] = fileMappingSchema.parse({ ...base, ...f.over });
  }
  const opts = importOptionsSchema.parse({ city: args.city, name: args.name, adminCode: args.adminCode, crs: args.crs, replace: args.replace });
  const [{ loadEnv }, { dbOptionsFromEnv, openDb }, { importCity }] = await Promise.all([import('../env'), import('../db/index'), import('./import/index')]);
  const env = loadEnv();
  const db = await openDb(dbOptionsFromEnv(env));
  const ac = new AbortController();
  const onSigint = () => { console.error('twin import: cancelling, nothing will be stored'); ac.abort(); };
  process.once('SIGINT', onSigint);
  const t0 = performance.now();
  try {
    const check = await importCity(db, args.files.map((f) => ({ path: f.path, name: f.name })), opts, mapping, {
      signal: ac.signal, checkOnly: args.check, dataDir: env.DATA_DIR,
      onProgress: (p) => { if (p.phase === 'parse' && p.features) console.error(`  ${p.file}: ${p.features} features read`); else if (p.phase !== 'parse') console.error(`  ${p.phase}...`); },
    });
    for (const f of check.files) console.log(`${f.file}: ${f.format}, ${f.role}, EPSG:${f.crs ?? '?'} (${f.crsSource}), ${f.accepted} of ${f.features} features`);
    for (const p of check.problems) console.error(formatProblem(p));
    if (check.moreProblems) console.error(`... and ${check.moreProblems} more problems`);
    const seconds = Math.round((performance.now() - t0) / 10) / 100;
    console.log(JSON.stringify({ ...check.summary, ok: check.ok, stored: check.ok && !args.check, seconds }));
    return check.ok ? 0 : 2;
  } catch (err) {
    console.error(`twin import: ${(err as Error).message}; nothing was stored`);
    return 1;
  } finally {
    process.off('SIGINT', onSigint);
    await db.close();
  }
}
