import { z } from 'zod';

// 3D Tiles 1.0/1.1 (OGC 22-025r4): the parts of a tileset.json the importer reads and checks,
// and the reference an imported city keeps to a stored tileset (served same-origin, drawn in the twin).

const matrix4Schema = z.array(z.number()).length(16, 'a transform is 16 numbers (column-major 4x4)');
const contentSchema = z.object({ uri: z.string().min(1).optional(), url: z.string().min(1).optional() })
  .refine((c) => c.uri ?? c.url, 'a content without a uri');

export interface TileJson {
  boundingVolume: Record<string, unknown>;
  geometricError: number;
  transform?: number[];
  refine?: string;
  content?: { uri?: string; url?: string };
  contents?: { uri?: string; url?: string }[];
  children?: TileJson[];
}

export const tileSchema: z.ZodType<TileJson> = z.lazy(() => z.object({
  boundingVolume: z.record(z.string(), z.unknown()),
  geometricError: z.number().nonnegative(),
  transform: matrix4Schema.optional(),
  refine: z.string().optional(),
  content: contentSchema.optional(),
  contents: z.array(contentSchema).optional(),
  children: z.array(tileSchema).optional(),
}));

export const tilesetJsonSchema = z.object({
  asset: z.object({ version: z.string().regex(/^1\.[01]$/, '3D Tiles version 1.0 or 1.1') }),
  geometricError: z.number().nonnegative(),
  root: tileSchema,
});
export type TilesetJson = z.infer<typeof tilesetJsonSchema>;

/** A tileset stored with a city: served at /api/tilesets/<city>/<id>/<file> (tileset.json first). */
export const tilesetRefSchema = z.object({
  id: z.string().regex(/^[a-z0-9]{1,32}$/),
  /** the imported file's name, for people */
  name: z.string().min(1).max(300),
  /** the tileset's entry file inside its folder */
  entry: z.string().regex(/^[^/\\]+\.json$/),
  /** lon/lat bounds of its geometry: [west, south, east, north] */
  bounds: z.tuple([z.number(), z.number(), z.number(), z.number()]),
  /** ellipsoidal height of its ground (the lowest part of its geometry), metres */
  groundM: z.number(),
  /** ellipsoidal height of its highest part, metres (the twin's near/far planes) */
  topM: z.number().optional(),
});
export type TilesetRef = z.infer<typeof tilesetRefSchema>;

export const tilesetUrl = (city: string, ref: Pick<TilesetRef, 'id' | 'entry'>) => `/api/tilesets/${city}/${ref.id}/${ref.entry}`;
