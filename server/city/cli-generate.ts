// `npm run twin -- generate --preset default|huaibei [--seed N] [--slug NAME] [--replace] [--dry-run]`
// Generates a sample city and stores it in the database (PGlite under ./data, or PostgreSQL when
// DATABASE_URL is set). Prints counts and timings.
import { citySlugSchema, cityPresetSchema, type CityPreset } from '../../models/city';
import { componentCountsByClass, DEFAULT_SEED, generateCity } from './generate';
import { COMPONENT_CLASSES } from '../../models/components';

const USAGE = `usage: npm run twin -- generate [--preset default|huaibei] [--seed N] [--slug NAME] [--replace] [--dry-run]
  --preset   default (about 2 x 2 km, ~400 unit grids) or huaibei (4,851 unit grids, 72 responsibility
             grids, 462,894 components); default: default
  --seed     integer seed; the same seed gives the same city (default ${DEFAULT_SEED})
  --slug     the city's slug in the database (default: huzhou / huaibei)
  --replace  overwrite a stored city with the same slug
  --dry-run  generate and print the counts, store nothing`;

interface Args { preset: CityPreset; seed?: number; slug?: string; replace: boolean; dryRun: boolean }

export function parseArgs(argv: string[]): Args {
  const out: Args = { preset: 'default', replace: false, dryRun: false };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    const [flag, inline] = a.startsWith('--') && a.includes('=') ? [a.slice(0, a.indexOf('=')), a.slice(a.indexOf('=') + 1)] : [a, undefined];
    const value = () => {
      const v = inline ?? argv[++i];
      if (v === undefined) throw new Error(`${flag} needs a value`);
      return v;
    };
    switch (flag) {
      case '--preset': {
        const v = value();
        const p = cityPresetSchema.safeParse(v);
        if (!p.success) throw new Error(`--preset: "${v}" is not a preset (default | huaibei)`);
        out.preset = p.data;
        break;
      }
      case '--seed': {
        const v = value();
        const n = Number(v);
        if (!Number.isInteger(n) || n < 0 || n > 0xffffffff) throw new Error(`--seed: "${v}" is not an integer in 0..4294967295`);
        out.seed = n;
        break;
      }
      case '--slug':
      case '--name': {
        const v = value();
        const p = citySlugSchema.safeParse(v);
        if (!p.success) throw new Error(`${flag}: "${v}": ${p.error.issues[0]!.message}`);
        out.slug = p.data;
        break;
      }
      case '--replace': out.replace = true; break;
      case '--dry-run': out.dryRun = true; break;
      case '--help': case '-h': throw new HelpRequested();
      default: throw new Error(`unknown option "${a}"`);
    }
  }
  return out;
}

class HelpRequested extends Error {}

export async function run(argv: string[]): Promise<number> {
  let args: Args;
  try {
    args = parseArgs(argv);
  } catch (err) {
    if (err instanceof HelpRequested) { console.log(USAGE); return 0; }
    console.error(`twin generate: ${(err as Error).message}\n\n${USAGE}`);
    return 2;
  }

  const t0 = performance.now();
  const city = generateCity({ preset: args.preset, seed: args.seed, slug: args.slug });
  const tGen = performance.now() - t0;
  const heapMb = process.memoryUsage().heapUsed / 1e6;

  const byClass = componentCountsByClass(city.components);
  const lines = [
    `city ${city.meta.slug} (${city.meta.name.en} / ${city.meta.name.zh}), preset ${city.meta.preset}, seed ${city.meta.seed}`,
    `  origin ${city.meta.originLonDeg} E, ${city.meta.originLatDeg} N; extent ${city.meta.extent.map((v) => Math.round(v)).join(', ')} m`,
    `  DEM ${city.dem.cols} x ${city.dem.rows} cells of ${city.dem.cellSize} m`,
    `  roads ${city.roads.length}, buildings ${city.buildings.length}, unit grids ${city.unitGrids.length}, responsibility grids ${city.responsibilityGrids.length}, prone points ${city.pronePoints.length}`,
    `  components ${city.components.count}:`,
    ...COMPONENT_CLASSES.map((c) => `    ${c.code} ${c.en.padEnd(28)} ${String(byClass[c.code]).padStart(8)}`),
    `  generated in ${(tGen / 1000).toFixed(2)} s (heap ${heapMb.toFixed(0)} MB)`,
  ];
  console.log(lines.join('\n'));
  if (args.dryRun) return 0;

  // Loaded only when storing: a dry run needs no database driver.
  const [{ loadEnv }, { dbOptionsFromEnv, openDb }, { saveCity }] = await Promise.all([import('../env'), import('../db/index'), import('./store')]);
  const t1 = performance.now();
  const db = await openDb(dbOptionsFromEnv(loadEnv()));
  const tOpen = performance.now() - t1;
  try {
    const t2 = performance.now();
    await saveCity(db, city, { replace: args.replace, afresh: true, simulator: true });
    console.log(`  stored in ${db.kind} in ${((performance.now() - t2) / 1000).toFixed(2)} s (database opened in ${(tOpen / 1000).toFixed(2)} s)`);
  } catch (err) {
    console.error(`twin generate: ${(err as Error).message}`);
    return 1;
  } finally {
    await db.close();
  }
  return 0;
}
