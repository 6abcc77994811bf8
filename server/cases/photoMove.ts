// At start-up: photos stored in the database (bytea, before migration 012_case_photo_files) move
// to the photo store, a few rows at a time, each written durably before its row lets go of the
// bytes; one that was stored without a thumbnail gets one now. When the store is S3, photos kept
// in files under DATA_DIR (before S3_BUCKET was set) move there too. Then files that no row
// names (a process killed between the file and its row) are swept.
import type { Db } from '../db';
import { log } from '../log';
import { FilePhotoStore, photoKeys, type PhotoStore } from './photoStore';
import { makeThumb } from './thumbs';

export interface PhotoMoveResult { moved: number; swept: number }

/** `files`: the DATA_DIR file store, read from when `store` is another one. */
export async function movePhotosToStore(db: Db, store: PhotoStore, files?: PhotoStore): Promise<PhotoMoveResult> {
  let moved = 0;
  for (;;) {
    const { rows } = await db.query<{ id: string; case_id: string; bytes: Uint8Array; thumb: Uint8Array | null }>(
      'select id, case_id, bytes, thumb from case_photos where store is null order by id limit 8');
    if (!rows.length) break;
    for (const r of rows) {
      const keys = photoKeys(r.case_id, r.id);
      // an old photo that sharp cannot read keeps no thumbnail: its full photo stands in for it
      const thumb = r.thumb ?? (await makeThumb(r.bytes).catch(() => null));
      await store.put(keys.full, r.bytes);
      if (thumb) await store.put(keys.thumb, thumb);
      await db.query('update case_photos set store = $2, has_thumb = $3, bytes = null, thumb = null where id = $1 and store is null', [r.id, store.kind, thumb !== null]);
      moved++;
    }
  }
  if (files && files.kind !== store.kind) {
    for (;;) {
      const { rows } = await db.query<{ id: string; case_id: string; has_thumb: boolean }>(
        'select id, case_id, has_thumb from case_photos where store = $1 order by id limit 8', [files.kind]);
      if (!rows.length) break;
      for (const r of rows) {
        const keys = photoKeys(r.case_id, r.id);
        const full = await files.get(keys.full);
        const thumb = r.has_thumb ? await files.get(keys.thumb) : null;
        if (!full) throw new Error(`case photo ${r.id}: its file is missing from ${files.kind} (${keys.full})`);
        await store.put(keys.full, full);
        if (thumb) await store.put(keys.thumb, thumb);
        // the row names the new store before the old copies go: a crash in between leaves copies, never a row without bytes
        await db.query('update case_photos set store = $2, has_thumb = $3 where id = $1', [r.id, store.kind, thumb !== null]);
        await files.remove(keys.full);
        await files.remove(keys.thumb);
        moved++;
      }
    }
  }
  let swept = 0;
  if (store instanceof FilePhotoStore) {
    swept = await store.sweep(async (photoId) =>
      (await db.query('select 1 from case_photos where id::text = $1', [photoId])).rows.length > 0);
  }
  if (moved || swept) log.info({ moved, swept, store: store.kind }, 'case photos: moved out of the database / swept');
  return { moved, swept };
}
