// Case photo thumbnails with sharp (libvips; prebuilt from the npm registry): made once on
// upload, so the desk's list of photos loads kilobytes, not the camera's megabytes. Decoding
// the photo here also proves it is a readable image, not only one with the right first bytes.
import sharp from 'sharp';

/** The longer side of a thumbnail, in pixels. */
export const THUMB_PX = 320;

export class UnreadableImageError extends Error {}

/** A WebP thumbnail of at most THUMB_PX on its longer side, turned upright by its EXIF orientation. */
export async function makeThumb(bytes: Uint8Array): Promise<Uint8Array> {
  try {
    const out = await sharp(bytes, { limitInputPixels: 64e6, failOn: 'error' })
      .rotate()
      .resize(THUMB_PX, THUMB_PX, { fit: 'inside', withoutEnlargement: true })
      .webp({ quality: 75 })
      .toBuffer();
    return new Uint8Array(out.buffer, out.byteOffset, out.byteLength);
  } catch (err) {
    throw new UnreadableImageError(`the image could not be read: ${(err as Error).message}`);
  }
}
