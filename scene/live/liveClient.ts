import { io, type Socket } from 'socket.io-client';
import { decodeFrame, FRAME_SNAPSHOT, type ClientToServerEvents, type LiveFrame, type ServerToClientEvents } from '../../models/live';

export type LiveConnection = 'connecting' | 'live' | 'resync' | 'offline';

export interface LiveHandlers {
  /** a snapshot (replace everything) or the next delta in sequence */
  onFrame(frame: LiveFrame): void;
  onConnection(state: LiveConnection): void;
}

/**
 * socket.io client for a city's live component states (binary frames, models/live.ts). A delta
 * applies only if its seq is last + 1; on a gap the client asks for a snapshot and drops deltas
 * until it arrives. After a reconnect it subscribes again and gets a snapshot.
 */
export class LiveClient {
  private socket: Socket<ServerToClientEvents, ClientToServerEvents>;
  lastSeq = -1;
  private awaitingSnapshot = true;
  gaps = 0;
  dropped = 0;
  snapshots = 0;
  deltas = 0;
  /** test hook: pretend the next n deltas were lost on the way (exercises the gap -> snapshot path) */
  loseNext = 0;
  lost = 0;

  constructor(private readonly city: string, private readonly h: LiveHandlers) {
    this.socket = io({ transports: ['websocket'], autoConnect: false });
    this.socket.on('connect', () => {
      this.awaitingSnapshot = true;
      this.h.onConnection('connecting');
      this.socket.emit('subscribe', { city: this.city }, (res) => {
        if (!res.ok) this.h.onConnection('offline');
      });
    });
    this.socket.on('disconnect', () => this.h.onConnection('offline'));
    this.socket.io.on('reconnect_attempt', () => this.h.onConnection('connecting'));
    this.socket.on('frame', (city, data) => {
      if (city !== this.city) return;
      let f: LiveFrame;
      try {
        f = decodeFrame(data);
      } catch {
        return;
      }
      if (f.kind === FRAME_SNAPSHOT) {
        this.snapshots++;
        this.awaitingSnapshot = false;
        this.lastSeq = f.seq;
        this.h.onFrame(f);
        this.h.onConnection('live');
        return;
      }
      if (this.loseNext > 0) { this.loseNext--; this.lost++; return; }
      if (this.awaitingSnapshot) { this.dropped++; return; }
      if (f.seq <= this.lastSeq) return; // duplicate or stale
      if (f.seq !== this.lastSeq + 1) {
        this.gaps++;
        this.awaitingSnapshot = true;
        this.h.onConnection('resync');
        this.socket.emit('snapshot', { city: this.city });
        return;
      }
      this.lastSeq = f.seq;
      this.deltas++;
      this.h.onFrame(f);
    });
  }

  connect() {
    this.h.onConnection('connecting');
    this.socket.connect();
  }

  close() {
    this.socket.removeAllListeners();
    this.socket.io.removeAllListeners();
    this.socket.disconnect();
  }
}
