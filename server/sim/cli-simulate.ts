// `npm run twin -- simulate <scenario.json> --out <dir> [--asc] [--workers N] [--quiet]`
// Validates everything before running and writes outputs only at the end, so a bad scenario
// or input file exits non-zero with the field, file and line, and writes nothing.
import { readFile } from 'node:fs/promises';
import { Scenario, formatIssues } from '../../models/scenario';
import { parseJsonText } from './geometry';
import { lineOfPath } from './jsonpath';
import { prepare, type Problem } from './prepare';
import { InputError } from './raster';
import { simulate, type Progress, type RunResult } from './runner';
import { depthPicture } from './png';
import { probesCsv, rasterFiles, round, writeOutputs } from './outputs';
import { encodeDepthFrames, type DepthFrame } from '../../models/depthFrames';

const USAGE = 'usage: npm run twin -- simulate <scenario.json> --out <dir> [--asc] [--png] [--frames] [--workers N] [--quiet]';

/** Parse and validate a scenario file; errors carry file:line and the field path. */
export async function loadScenario(path: string): Promise<Scenario> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (e) {
    throw new InputError(`cannot read scenario: ${(e as Error).message}`, path);
  }
  const doc = parseJsonText(text, path);
  const r = Scenario.safeParse(doc);
  if (!r.success) {
    const msgs = formatIssues(r.error).map((m, k) => {
      const line = lineOfPath(text, r.error.issues[k]!.path);
      return `${path}${line ? `:${line}` : ''}: ${m}`;
    });
    throw new InputError(`invalid scenario:\n  ${msgs.join('\n  ')}`);
  }
  return r.data;
}

function progressBar(quiet: boolean) {
  const tty = process.stderr.isTTY;
  let lastPct = -1;
  return (p: Progress) => {
    if (quiet) return;
    const pct = Math.floor((100 * p.t) / p.duration);
    if (tty) {
      const w = 30, fill = Math.round((w * p.t) / p.duration);
      process.stderr.write(`\r[${'#'.repeat(fill)}${'.'.repeat(w - fill)}] ${String(pct).padStart(3)}%  t ${p.t.toFixed(0)} / ${p.duration} s  dt ${p.dt.toFixed(3)} s  steps ${p.steps}  ${p.wallSeconds.toFixed(1)} s`);
      if (p.t >= p.duration) process.stderr.write('\n');
    } else if (pct >= lastPct + 10 || p.t >= p.duration) {
      lastPct = pct - (pct % 10);
      process.stderr.write(`simulate: ${pct}% (t ${p.t.toFixed(0)} s, ${p.steps} steps, ${p.wallSeconds.toFixed(1)} s)\n`);
    }
  };
}

export function summaryOf(s: Scenario, p: Problem, r: RunResult, impact?: unknown) {
  const v = r.volumes;
  return {
    scenario: s.name,
    grid: { cols: r.cols, rows: r.rows, cellSize: r.cellSize, xll: r.xll, yll: r.yll, activeCells: p.activeCells },
    simulatedSeconds: r.t,
    steps: r.steps,
    wallSeconds: round(r.wallSeconds, 3),
    cellUpdatesPerSecond: Math.round(r.cellUpdatesPerSecond),
    volumes: {
      rain_m3: v.rain, inflow_m3: v.inflow, drainage_m3: v.drainage, infiltration_m3: v.infiltration, pumped_m3: v.pumped,
      outflow_m3: v.outflow, storedStart_m3: v.storedStart, storedEnd_m3: v.storedEnd,
      balanceError_m3: v.error, balanceRelativeError: v.relativeError,
    },
    floodedArea_m2: { over15cm: r.floodedArea['0.15'], over20cm: r.floodedArea['0.2'], over27cm: r.floodedArea['0.27'] },
    probes: r.probes.map((q) => ({ name: q.name, x: q.x, y: q.y, maxDepth_m: round(q.maxDepth, 4), maxStage_m: round(q.maxStage, 4), timeOfMax_s: round(q.timeOfMax, 1) })),
    ...(impact ? { impact } : {}),
  };
}

export async function run(argv: string[]): Promise<number> {
  let scenarioPath: string | undefined, out: string | undefined, asc = false, png = false, frames = false, quiet = false, workers = 2;
  for (let k = 0; k < argv.length; k++) {
    const a = argv[k]!;
    if (a === '--out') out = argv[++k];
    else if (a === '--asc') asc = true;
    else if (a === '--quiet') quiet = true;
    else if (a === '--png') png = true;
    else if (a === '--frames') frames = true;
    else if (a === '--workers') {
      workers = Number(argv[++k]);
      if (!Number.isInteger(workers) || workers < 0) {
        console.error(`simulate: --workers must be a whole number, got "${argv[k]}"`);
        return 2;
      }
    } else if (a.startsWith('-')) {
      console.error(`simulate: unknown option ${a}\n${USAGE}`);
      return 2;
    } else if (!scenarioPath) scenarioPath = a;
    else {
      console.error(`simulate: unexpected argument "${a}"\n${USAGE}`);
      return 2;
    }
  }
  if (!scenarioPath || !out) {
    console.error(USAGE);
    return 2;
  }
  let s: Scenario, p: Problem;
  try {
    s = await loadScenario(scenarioPath);
    p = await prepare(s, scenarioPath);
  } catch (e) {
    if (e instanceof InputError) {
      console.error(`simulate: ${e.message}`);
      return 2;
    }
    throw e;
  }
  if (!quiet) console.error(`simulate: ${s.name}: ${p.cols} x ${p.rows} cells of ${p.cellSize} m, ${s.duration} s, ${workers} worker${workers === 1 ? '' : 's'}`);
  const depthFrames: DepthFrame[] = [];
  const ac = new AbortController();
  const onSig = () => ac.abort();
  process.once('SIGINT', onSig);
  let r: RunResult;
  try {
    r = await simulate(p, {
      workers, signal: ac.signal, onProgress: progressBar(quiet),
      onFrame: frames ? (f) => depthFrames.push({ seq: depthFrames.length, t: f.t, cols: p.cols, rows: p.rows, depthMm: f.depthMm }) : undefined,
    });
  } catch (e) {
    if ((e as Error).name === 'AbortError') {
      console.error('\nsimulate: cancelled, nothing written');
      return 130;
    }
    throw e;
  } finally {
    process.off('SIGINT', onSig);
  }
  let impact: unknown;
  if (p.city) {
    const { cityImpact } = await import('./impact');
    impact = await cityImpact(p, r);
  }
  const summary = summaryOf(s, p, r, impact);
  await writeOutputs(out, {
    ...rasterFiles(r, p.epsg, asc),
    'probes.csv': probesCsv(r),
    'summary.json': JSON.stringify(summary, null, 2) + '\n',
    ...(frames ? { 'depth_frames.bin': encodeDepthFrames(depthFrames) } : {}),
    ...(png ? { 'max_depth.png': depthPicture(p.cols, p.rows, p.z, r.maxDepth, 1, p.cols * p.rows < 250_000 ? 2 : 1) } : {}),
  });
  if (!quiet) {
    const v = r.volumes;
    console.error(
      `simulate: ${r.steps} steps in ${r.wallSeconds.toFixed(2)} s (${(r.cellUpdatesPerSecond / 1e6).toFixed(1)}e6 cell updates/s); ` +
        `volume error ${v.error.toExponential(2)} m3 (${v.relativeError.toExponential(2)} of input); ` +
        `flooded >= 15 cm ${r.floodedArea['0.15'].toFixed(0)} m2; wrote ${out}`,
    );
  }
  return 0;
}
