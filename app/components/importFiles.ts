// Files picked or dropped for an import, with their paths inside a dropped folder (a 3D Tiles
// tileset is a tileset.json and the tiles it names by relative path), and the hand-off of files
// dropped on a city's twin to the /import page (client-side navigation keeps this module's state).

export interface PickedFile { file: File; path: string }

const DATA = /\.(geojson|csv|tiff?|asc)$/i;

export function filesFromInput(list: FileList | null): PickedFile[] {
  return Array.from(list ?? []).map((file) => ({ file, path: file.webkitRelativePath || file.name }));
}

/** Dropped files, folders walked (Chromium, Firefox and Safari all give webkitGetAsEntry). */
export async function filesFromDrop(dt: DataTransfer): Promise<PickedFile[]> {
  const entries = Array.from(dt.items ?? []).map((i) => i.webkitGetAsEntry?.() ?? null);
  if (!entries.length || entries.some((e) => !e)) return filesFromInput(dt.files);
  const out: PickedFile[] = [];
  const walk = async (e: FileSystemEntry, prefix: string): Promise<void> => {
    if (e.isFile) {
      const file = await new Promise<File>((res, rej) => (e as FileSystemFileEntry).file(res, rej));
      out.push({ file, path: prefix + e.name });
    } else if (e.isDirectory) {
      const reader = (e as FileSystemDirectoryEntry).createReader();
      // readEntries hands out a batch at a time until it returns none
      for (;;) {
        const batch = await new Promise<FileSystemEntry[]>((res, rej) => reader.readEntries(res, rej));
        if (!batch.length) break;
        for (const c of batch) await walk(c, `${prefix}${e.name}/`);
      }
    }
  };
  for (const e of entries) await walk(e!, '');
  return out;
}

/**
 * The files the import reads: not a grid's .prj (read beside its .asc), nor a tileset's own files
 * (its tiles, notes such as a README, folders below it), which are uploaded and found through it;
 * data files beside a tileset.json are still read.
 */
export function importedPaths(files: PickedFile[]): string[] {
  const tilesetDirs = files.filter((f) => /(^|\/)tileset\.json$/i.test(f.path)).map((f) => f.path.replace(/[^/]*$/, ''));
  return files.map((f) => f.path).filter((p) => {
    if (/\.prj$/i.test(p)) return false;
    const d = tilesetDirs.find((t) => p.startsWith(t));
    if (d === undefined) return true;
    const rest = p.slice(d.length);
    return rest === 'tileset.json' || (!rest.includes('/') && DATA.test(rest));
  });
}

let pending: { city: string; files: PickedFile[] } | null = null;
/** Files dropped on /twin/<city>, for the /import page to check against that city. */
export const handOffFiles = (city: string, files: PickedFile[]) => { pending = { city, files }; };
export const takeHandedOffFiles = () => { const p = pending; pending = null; return p; };
