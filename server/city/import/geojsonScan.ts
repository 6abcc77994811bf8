// A streaming splitter for a GeoJSON FeatureCollection: finds the top-level "features" array and
// hands out each element's text as it completes, so a 500,000-feature file is read in bounded
// memory and each feature is parsed by JSON.parse (fast) rather than token by token.
import { createReadStream } from 'node:fs';

const Q = 0x22, BS = 0x5c, LB = 0x7b, RB = 0x7d, LS = 0x5b, RS = 0x5d, COMMA = 0x2c;

/** Each feature's JSON text, in order; throws with the feature index when the file ends inside one. */
export async function* scanFeatures(path: string, signal?: AbortSignal): AsyncGenerator<{ index: number; text: string }> {
  // state of the scan across chunks
  let depth = 0, inStr = false, esc = false;
  let mode: 'seek' | 'array' | 'after' = 'seek';
  let lastKey = '', keyStart = -1, keyBuf = '';
  let pending: Buffer[] = [];
  let featStart = -1; // offset in the current chunk of the feature's first byte, -1 when it began earlier
  let inFeature = false;
  let index = 0;
  let sawArray = false;
  for await (const chunk of createReadStream(path, { highWaterMark: 1 << 20 }) as AsyncIterable<Buffer>) {
    if (signal?.aborted) throw new Error('cancelled');
    featStart = inFeature ? 0 : -1;
    for (let i = 0; i < chunk.length; i++) {
      const b = chunk[i]!;
      if (inStr) {
        if (esc) esc = false;
        else if (b === BS) esc = true;
        else if (b === Q) {
          inStr = false;
          if (mode === 'seek' && depth === 1 && keyStart >= 0) { keyBuf += chunk.subarray(keyStart, i).toString('utf8'); lastKey = keyBuf; keyStart = -1; }
        }
        continue;
      }
      if (b === Q) {
        inStr = true;
        if (mode === 'seek' && depth === 1) { keyStart = i + 1; keyBuf = ''; }
        continue;
      }
      if (mode === 'seek') {
        if (b === LB || b === LS) {
          if (depth === 1 && b === LS && lastKey === 'features') { mode = 'array'; sawArray = true; depth = 0; continue; }
          depth++;
        } else if (b === RB || b === RS) depth--;
        else if (b === COMMA && depth === 1) lastKey = '';
        continue;
      }
      if (mode === 'array') {
        if (!inFeature) {
          if (b === LB) { inFeature = true; depth = 1; featStart = i; }
          else if (b === RS) mode = 'after';
          else if (b !== COMMA && b !== 0x20 && b !== 0x0a && b !== 0x0d && b !== 0x09) throw new Error(`feature ${index}: expected an object, found "${String.fromCharCode(b)}"`);
          continue;
        }
        if (b === LB || b === LS) depth++;
        else if (b === RB || b === RS) {
          depth--;
          if (depth === 0) {
            pending.push(chunk.subarray(featStart < 0 ? 0 : featStart, i + 1));
            const text = Buffer.concat(pending).toString('utf8');
            pending = [];
            inFeature = false; featStart = -1;
            yield { index: index++, text };
          }
        }
      }
    }
    if (inFeature) pending.push(chunk.subarray(featStart < 0 ? 0 : featStart));
    if (mode === 'seek' && keyStart >= 0) { keyBuf += chunk.subarray(keyStart).toString('utf8'); keyStart = 0; }
  }
  if (inFeature) throw new Error(`the file ends inside feature ${index} (is the file truncated?)`);
  if (!sawArray) throw new Error('no "features" array: not a GeoJSON FeatureCollection (or the file is truncated)');
  if (mode !== 'after') throw new Error(`the file ends inside the "features" array after feature ${index - 1} (is the file truncated?)`);
}
