import { Duplex } from 'node:stream';
import type { Socket } from 'node:net';

/**
 * A socket seen through a check of each MQTT packet's declared size (the fixed header's
 * "remaining length"): a packet larger than `maxBytes` closes the connection before its body is
 * buffered. aedes (mqtt-packet) has no limit of its own and would gather up to 256 MB a packet.
 * `onRefused` is told once per refused connection.
 */
export function limitPacketSize(socket: Socket, maxBytes: number, onRefused: (declared: number) => void): Duplex {
  let skip = 0; // body bytes of the current packet still to pass
  let header: number[] = []; // fixed header bytes read so far (type + up to 4 length bytes)
  let refused = false;

  /** Walks a chunk's packet boundaries; the declared size that is too big, or -1. */
  const check = (chunk: Buffer): number => {
    let p = 0;
    while (p < chunk.length) {
      if (skip > 0) {
        const n = Math.min(skip, chunk.length - p);
        skip -= n;
        p += n;
        continue;
      }
      header.push(chunk[p++]!);
      if (header.length === 1) continue;
      const b = header[header.length - 1]!;
      if (b & 0x80) {
        if (header.length === 5) return Infinity; // a 5th length byte is malformed
        continue;
      }
      let len = 0;
      for (let k = header.length - 1; k >= 1; k--) len = len * 128 + (header[k]! & 0x7f);
      header = [];
      if (len > maxBytes) return len;
      skip = len;
    }
    return -1;
  };

  const guarded = new Duplex({
    read() {
      socket.resume();
    },
    write(chunk, encoding, cb) {
      socket.write(chunk, encoding, cb);
    },
    final(cb) {
      socket.end(cb);
    },
    destroy(err, cb) {
      socket.destroy(err ?? undefined);
      cb(err);
    },
  });
  socket.on('data', (chunk: Buffer) => {
    if (refused) return;
    const over = check(chunk);
    if (over >= 0) {
      refused = true;
      onRefused(over);
      socket.destroy();
      return;
    }
    if (!guarded.push(chunk)) socket.pause();
  });
  socket.on('end', () => guarded.push(null));
  socket.on('close', () => guarded.destroy());
  socket.on('error', (err) => guarded.destroy(err));
  return guarded;
}
