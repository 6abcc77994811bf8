/// <reference lib="webworker" />
import { io, type Socket } from 'socket.io-client';
import { decodeFrame, FRAME_DELTA, FRAME_ROLLUP_DELTA, FRAME_ROLLUP_SNAPSHOT, FRAME_SNAPSHOT, ROLLUP_COLUMNS, type ClientToServerEvents, type LiveFrame, type ServerToClientEvents } from '../../models/live';
import { LiveMirror } from '../../models/liveMirror';
import { StateMap } from '../components/stateMap';
import type { LiveStats, WorkerIn, WorkerOut } from './protocol';

// The live stream off the main thread: the socket, frame decoding, sequence and gap handling
// all live here. Frames are applied to the mirror as they come (20/s); the page pulls what
// changed since its last pull (once per rendered frame, or every ~100 ms when idle), so a slow
// page gets one coalesced message per frame instead of every frame the server sent.
declare const self: DedicatedWorkerGlobalScope;

let socket: Socket<ServerToClientEvents, ClientToServerEvents> | null = null;
let mirror: LiveMirror | null = null;
/** the far level of detail the page drapes on the terrain, kept here so the page only uploads rows */
let stateMap: StateMap | null = null;
let city = '';
let grids: 'all' | number[] = 'all';
let loseNext = 0;
let lost = 0;

/** changed since the last pull: a flag per component / grid plus the list of flagged ones */
let dirty = new Uint8Array(0);
let dirtyList = new Uint32Array(0);
let dirtyN = 0;
let gridDirty = new Uint8Array(0);
let gridDirtyList = new Uint32Array(0);
let gridDirtyN = 0;
/** delta entries since the last pull, before coalescing (the page's change counter) */
let deltaEntries = 0;
let snapshotSincePull = false;
let seqSincePull = -1;
/** epoch ms of the first component change since the last pull (NaN: none) */
let arrivedAt = NaN;

const post = (m: WorkerOut, transfer: Transferable[] = []) => self.postMessage(m, transfer);

function stats(): LiveStats {
  const m = mirror!;
  return { snapshots: m.snapshots, deltas: m.deltas, gaps: m.gaps, lost, lastSeq: m.lastSeq, entries: m.entries };
}

function subscribe() {
  socket?.emit('subscribe', { city, grids }, (res) => {
    if (!res.ok) post({ type: 'problem', message: res.error });
  });
}

function markComponents(indices: Uint32Array, total: number) {
  for (let k = 0; k < indices.length; k++) {
    const i = indices[k]!;
    if (i >= total || dirty[i]) continue;
    dirty[i] = 1;
    dirtyList[dirtyN++] = i;
  }
}

function markGrids(g: Uint32Array, count: number) {
  for (let k = 0; k < g.length; k++) {
    const i = g[k]!;
    if (i >= count || gridDirty[i]) continue;
    gridDirty[i] = 1;
    gridDirtyList[gridDirtyN++] = i;
  }
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
  if (f.kind === FRAME_SNAPSHOT || f.kind === FRAME_DELTA) {
    // a snapshot is all entries of the subscribed grids: flagging them all replaces the page's state
    markComponents(f.indices, m.total);
    if (arrivedAt !== arrivedAt && f.indices.length) arrivedAt = performance.timeOrigin + performance.now();
    if (f.kind === FRAME_DELTA) deltaEntries += f.indices.length;
    else { snapshotSincePull = true; post({ type: 'connection', state: 'live' }); }
    seqSincePull = f.seq;
  } else if (f.kind === FRAME_ROLLUP_SNAPSHOT || f.kind === FRAME_ROLLUP_DELTA) {
    markGrids(f.grids, m.gridCount);
  }
}

/** One message with the latest value of everything flagged since the last pull (buffers transferred). */
function pull(spare: ArrayBuffer[] = [], mapMinLevel = 0) {
  const m = mirror;
  if (!m) return;
  const n = dirtyN, indices = new Uint32Array(n), states = new Uint8Array(n), values = new Float32Array(n);
  for (let k = 0; k < n; k++) {
    const i = dirtyList[k]!;
    dirty[i] = 0;
    indices[k] = i;
    states[k] = m.states[i]!;
    values[k] = m.values[i]!;
    stateMap?.set(i, m.states[i]!);
  }
  const mapBands = stateMap ? stateMap.takeBands(spare, mapMinLevel) : [];
  const G = gridDirtyN, g = new Uint32Array(G), counts = new Uint16Array(G * ROLLUP_COLUMNS), levels = new Uint8Array(G);
  for (let k = 0; k < G; k++) {
    const j = gridDirtyList[k]!;
    gridDirty[j] = 0;
    g[k] = j;
    counts.set(m.rollup.subarray(j * ROLLUP_COLUMNS, (j + 1) * ROLLUP_COLUMNS), k * ROLLUP_COLUMNS);
    levels[k] = m.levels[j]!;
  }
  post({
    type: 'changes', snapshot: snapshotSincePull, seq: seqSincePull, deltaEntries, indices, states, values, grids: g, counts, levels, mapBands, stats: stats(), arrivedAt,
  }, [indices.buffer, states.buffer, values.buffer, g.buffer, counts.buffer, levels.buffer, ...mapBands.map((b) => b.data.buffer)]);
  dirtyN = 0;
  gridDirtyN = 0;
  deltaEntries = 0;
  snapshotSincePull = false;
  arrivedAt = NaN;
}

self.onmessage = (e: MessageEvent<WorkerIn>) => {
  const m = e.data;
  switch (m.type) {
    case 'connect': {
      city = m.city;
      mirror = new LiveMirror(m.total, m.gridCount);
      stateMap = m.map ? new StateMap(m.map.x, m.map.y, m.map.extent) : null;
      dirty = new Uint8Array(m.total);
      dirtyList = new Uint32Array(m.total);
      gridDirty = new Uint8Array(m.gridCount);
      gridDirtyList = new Uint32Array(m.gridCount);
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
    case 'pull':
      pull(m.spare, m.mapMinLevel);
      break;
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
