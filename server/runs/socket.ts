// socket.io: watching a run's depth frames. runWatch joins room run:<id> and acks with the count
// of frames so far, which follow in seq order; new frames reach the room as the run makes them.
import { runWatchSchema, type RunWatchAck } from '../../models/runs';
import { formatIssues } from '../../models/issues';
import type { TwinIo } from '../live/hub';
import { log } from '../log';
import type { RunManager } from './manager';

export function attachRunWatch(io: TwinIo, runs: RunManager) {
  io.on('connection', (socket) => {
    socket.on('runWatch', async (payload, ack) => {
      const reply = (r: RunWatchAck) => typeof ack === 'function' && ack(r);
      const p = runWatchSchema.safeParse(payload);
      if (!p.success) return reply({ ok: false, error: `runWatch: ${formatIssues(p.error).join('; ')}` });
      const id = p.data.runId;
      try {
        await runs.get(id); // NotFound for an unknown run
        // From memory when it runs here, with no await between joining and reading: every frame
        // is then either in this list or sent to the room after the join, never both or neither.
        await socket.join(`run:${id}`);
        const frames = runs.localFrames(id) ?? (await runs.frames(id));
        reply({ ok: true, frames: frames.length });
        for (const f of frames) socket.emit('runFrame', id, f);
        // and the water as it is now, not half a second later
        const live = runs.liveFrame(id);
        if (live) socket.emit('runLive', id, live);
      } catch (err) {
        log.debug({ err, run: id }, 'runWatch refused');
        reply({ ok: false, error: `runWatch: ${err instanceof Error ? err.message : String(err)}` });
      }
    });
    socket.on('runUnwatch', (payload) => {
      const p = runWatchSchema.safeParse(payload);
      if (!p.success) return void socket.emit('problem', `runUnwatch: ${formatIssues(p.error).join('; ')}`);
      void socket.leave(`run:${p.data.runId}`);
    });
  });
}
