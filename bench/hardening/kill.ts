// SIGKILL during a burst of durable writes: every write the server acknowledged is there after a restart.
import { fork, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const CHILD = fileURLToPath(new URL('./child.ts', import.meta.url));
const TOKEN = 'hardening-kill-token';

interface Ready { port: number; city: string; codes: string[] }

function start(dataDir: string): Promise<{ child: ChildProcess; ready: Ready }> {
  const child = fork(CHILD, [], {
    execArgv: ['--import', 'tsx'], env: { ...process.env, DATA_DIR: dataDir, INGEST_TOKEN: TOKEN, LOG_LEVEL: 'warn' }, stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
  });
  return new Promise((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`the twin exited (${code}) before it was ready`)));
    child.on('message', (m: { type: string } & Ready) => { if (m.type === 'ready') resolve({ child, ready: m }); });
  });
}

/**
 * Writes `concurrency` durable batches at a time (each one change with a unique value) for
 * `burstMs`, kills the server with SIGKILL while writes are in flight, restarts it on the same
 * directory and looks for every acknowledged value.
 */
export async function killDuringWrites(burstMs = 1500, concurrency = 6) {
  const dir = mkdtempSync(join(tmpdir(), 'twin-kill-'));
  try {
    let { child, ready } = await start(dir);
    const acked: number[] = [];
    let next = 1, inFlight = 0, failed = 0, stop = false;
    const write = async () => {
      while (!stop) {
        const v = next++;
        inFlight++;
        try {
          const r = await fetch(`http://127.0.0.1:${ready.port}/api/trpc/ingest.batch`, {
            method: 'POST', headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
            body: JSON.stringify({ city: ready.city, changes: [{ componentCode: ready.codes[v % ready.codes.length], state: 'intact', value: v }] }),
          });
          if (r.ok) acked.push(v);
          else failed++;
        } catch {
          failed++; // killed mid-request: not acknowledged
        } finally {
          inFlight--;
        }
      }
    };
    const writers = Array.from({ length: concurrency }, write);
    await new Promise((r) => setTimeout(r, burstMs));
    const inFlightAtKill = inFlight;
    child.removeAllListeners('exit');
    const exited = new Promise((r) => child.once('exit', r));
    child.kill('SIGKILL');
    await exited;
    stop = true;
    await Promise.all(writers);
    ({ child, ready } = await start(dir));
    const stored = await new Promise<number[]>((resolve) => {
      child.on('message', (m: { type: string; values: number[] }) => { if (m.type === 'stored') resolve(m.values); });
      child.send({ type: 'stored' });
    });
    const have = new Set(stored.map((v) => Math.round(v)));
    const lost = acked.filter((v) => !have.has(v));
    child.send({ type: 'stop' });
    await new Promise((r) => child.once('exit', r));
    return { ackedWrites: acked.length, ackedWritesLost: lost.length, unacknowledged: failed, inFlightAtKill, storedRows: stored.length };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
