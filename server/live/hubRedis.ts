// Several server processes: accepted changes go to the others through the socket.io Redis
// adapter, and each fans out to its own clients.
import type { Twin } from '../twin';
import { decodeBinaryBatch } from '../../models/ingest';
import { log } from '../log';
import type { TwinIo } from './hub';

export async function shareThroughRedis(io: TwinIo, twin: Twin, url: string, processId: string): Promise<{ close(): Promise<void> }> {
  const [{ createAdapter }, { createClient }] = await Promise.all([import('@socket.io/redis-adapter'), import('redis')]);
  const pub = createClient({ url });
  const sub = pub.duplicate();
  for (const c of [pub, sub]) c.on('error', (err: unknown) => log.error({ err }, 'redis client error'));
  await Promise.all([pub.connect(), sub.connect()]);
  io.adapter(createAdapter(pub, sub));
  // the adapter sends server-side events as JSON: the binary batch travels as base64
  twin.replicate = (city, batch) => io.serverSideEmit('changes', city.slug, Buffer.from(batch.buffer, batch.byteOffset, batch.byteLength).toString('base64'), processId);
  io.on('changes', (slug: string, base64: string, origin: string) => {
    if (origin === processId) return;
    const city = twin.cities.get(slug);
    if (!city) return;
    const refused = (err: unknown) => log.error({ err, city: slug }, 'a replicated batch from another server was refused');
    try {
      twin.applyBinary(city, decodeBinaryBatch(new Uint8Array(Buffer.from(String(base64), 'base64')), city.live.count), 'replica').catch(refused);
    } catch (err) {
      refused(err);
    }
  });
  log.info({ processId }, 'live state shared through the socket.io Redis adapter');
  return {
    async close() {
      twin.replicate = null;
      await Promise.allSettled([pub.quit(), sub.quit()]);
    },
  };
}
