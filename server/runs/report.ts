// GET /api/runs/<id>/report.pdf?lang=zh|en[&against=<run id>]: a finished run's PDF report, or the
// comparison of run <id> (B) against another (A). Data from the stored results; layout in server/report/.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { TRPCError } from '@trpc/server';
import { runIdSchema, probeSeriesSchema, impactSchema } from '../../models/runs';
import { runReportQuerySchema } from '../../models/runReport';
import { buildReport } from '../report/report';
import { parseGeoTiff } from '../sim/raster';
import { InputError, NotFoundError, type Twin } from '../twin';
import { log } from '../log';
import { compareRuns } from './compare';
import type { RunManager } from './manager';
import { runScenario } from './store';
import type { Db } from '../db';

function sendError(res: ServerResponse, status: number, message: string) {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify({ error: message }));
}

export const REPORT_PATH = /^\/api\/runs\/([^/]+)\/report\.pdf$/;

export async function serveReport(twin: Twin, db: Db, runs: RunManager, path: string, search: URLSearchParams, _req: IncomingMessage, res: ServerResponse) {
  const id = REPORT_PATH.exec(path)?.[1] ?? '';
  if (!runIdSchema.safeParse(id).success) return sendError(res, 404, `no run "${id}"`);
  const q = runReportQuerySchema.safeParse(Object.fromEntries(search));
  if (!q.success) return sendError(res, 400, `report query: ${q.error.issues.map((i) => `${i.path.join('.') || 'query'}: ${i.message}`).join('; ')}`);
  const { lang, against } = q.data;
  try {
    const run = await runs.get(id);
    if (run.status !== 'succeeded') return sendError(res, 409, `run ${id} is ${run.status}: a report needs a succeeded run`);
    const city = (await twin.city(run.city)).data;
    const [tif, impact, probes, scenario, compare] = await Promise.all([
      runs.storedFile(id, 'max_depth.tif').then((b) => parseGeoTiff(b, `run ${id} max_depth.tif`)),
      runs.result(id, 'impact.json', impactSchema),
      runs.result(id, 'probes.json', probeSeriesSchema),
      runScenario(db, id),
      against ? compareRuns(runs, against, id, async () => city).then(async (c) => ({ ...c, a: await runs.get(against) })) : undefined,
    ]);
    const prone = new Map(city.pronePoints.map((p) => [p.id, p.name[lang]]));
    const pdf = await buildReport({
      lang, cityName: city.meta.name[lang], run, scenario, impact, probes,
      depth: { grid: { cols: tif.cols, rows: tif.rows, cellSize: tif.cellSize, xll: tif.xll, yll: tif.yll }, data: tif.data },
      overlay: { buildings: city.buildings.map((b) => b.ring), roads: city.roads.map((r) => r.points) },
      proneName: (pid) => prone.get(pid),
      compare: compare ? { a: compare.a, table: compare.table, diff: compare.diff } : undefined,
      generatedAt: new Date(),
    });
    const name = `${against ? 'compare' : 'run'}-${id.slice(0, 8)}${against ? `-vs-${against.slice(0, 8)}` : ''}-${lang}.pdf`;
    res.writeHead(200, {
      'content-type': 'application/pdf', 'content-length': String(pdf.byteLength),
      'content-disposition': `attachment; filename="${name}"`, 'cache-control': 'private, no-cache',
    });
    res.end(pdf);
  } catch (err) {
    if (err instanceof NotFoundError) return sendError(res, 404, err.message);
    if (err instanceof InputError) return sendError(res, 400, err.message);
    if (err instanceof TRPCError && err.code === 'CONFLICT') return sendError(res, 409, err.message);
    log.error({ err, path }, 'report failed');
    sendError(res, 500, `report failed: ${err instanceof Error ? err.message : String(err)}`);
  }
}
