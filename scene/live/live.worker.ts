/// <reference lib="webworker" />
import { io, type Socket } from 'socket.io-client';
import { decodeFrame, FRAME_DELTA, FRAME_ROLLUP_DELTA, FRAME_ROLLUP_SNAPSHOT, FRAME_SNAPSHOT, type ClientToServerEvents, type LiveFrame, type ServerToClientEvents } from '../../models/live';
import { LiveMirror } from '../../models/liveMirror';
import type { WorkerIn, WorkerOut } from './protocol';

// The live stream off the main thread: the socket, frame decoding, sequence and gap handling
// all live here; the page gets only the entries to write into its attributes.
declare const self: DedicatedWorkerGlobalScope;

let socket: Socket<ServerToClientEvents, ClientToServerEvents> | null = null;
let mirror: LiveMirror | null = null;
let city = '';
let grids: 'all' | number[] = 'all';
let loseNext = 0;
let lost = 0;

const post = (m: WorkerOut, transfer: Transferable[] = []) => self.postMessage(m, transfer);

function subscribe() {
  socket?.emit('subscribe', { city, grids }, (res) => {
    if (!res.ok) post({ type: 'problem', message: res.error });
  });
}

function onFrame(data: ArrayBuffer) {
  let f: LiveFrame;
  try {
    f = decodeFrame(data);
  } catch (err) {
    post({ type: 'problem', message: err instanceof Error ? err.message : String(err) });
    return;
  }
  const m = mirror!;
  if (f.kind === FRAME_DELTA && loseNext > 0) { loseNext--; lost++; return; } // test hook: a delta lost on the way
  const r = m.apply(f);
  if (r === 'gap') {
    post({ type: 'connection', state: 'resync' });
    socket?.emit('snapshot', { city });
    return;
  }
  if (r !== 'applied') return;
  const stats = { snapshots: m.snapshots, deltas: m.deltas, gaps: m.gaps, lost, lastSeq: m.lastSeq, entries: m.entries };
  if (f.kind === FRAME_SNAPSHOT || f.kind === FRAME_DELTA) {
    // the views share the frame's buffer: hand it over, no copy
    post({ type: 'components', snapshot: f.kind === FRAME_SNAPSHOT, seq: f.seq, serverTimeMs: f.serverTimeMs, indices: f.indices, states: f.states, values: f.values, stats }, [f.indices.buffer as ArrayBuffer]);
    if (f.kind === FRAME_SNAPSHOT) post({ type: 'connection', state: 'live' });
  } else if (f.kind === FRAME_ROLLUP_SNAPSHOT || f.kind === FRAME_ROLLUP_DELTA) {
    post({ type: 'rollup', snapshot: f.kind === FRAME_ROLLUP_SNAPSHOT, seq: f.seq, grids: f.grids, counts: f.counts, levels: f.levels, stats }, [f.grids.buffer as ArrayBuffer]);
  }
}

self.onmessage = (e: MessageEvent<WorkerIn>) => {
  const m = e.data;
  switch (m.type) {
    case 'connect': {
      city = m.city;
      mirror = new LiveMirror(m.total, m.gridCount);
      socket = io(self.location.origin, { transports: ['websocket'] });
      socket.on('connect', () => {
        mirror!.reset();
        post({ type: 'connection', state: 'connecting' });
        subscribe();
      });
      socket.on('disconnect', () => post({ type: 'connection', state: 'offline' }));
      socket.io.on('reconnect_attempt', () => post({ type: 'connection', state: 'connecting' }));
      socket.on('frame', (c, data) => { if (c === city) onFrame(data); });
      socket.on('problem', (message) => post({ type: 'problem', message }));
      break;
    }
    case 'view':
      grids = m.grids;
      if (socket?.connected) subscribe();
      break;
    case 'lose':
      loseNext = m.n;
      break;
    case 'close':
      socket?.removeAllListeners();
      socket?.disconnect();
      socket = null;
      self.close();
      break;
  }
};
