// The import's read-and-check step on a worker thread, so a 500,000-feature file never holds up
// the server's event loop. In: { files, opts, mapping }; out: progress messages, then the result.
import { parentPort, workerData } from 'node:worker_threads';
import { readImportFiles, type ImportFile } from './index';
import type { ImportOptions, MappingFile } from '../../../models/cityImport';

const { files, opts, mapping } = workerData as { files: ImportFile[]; opts: ImportOptions; mapping: MappingFile };
readImportFiles(files, opts, mapping, { onProgress: (p) => parentPort!.postMessage({ type: 'progress', p }) }).then(
  (result) => parentPort!.postMessage({ type: 'result', result }),
  (e: Error) => parentPort!.postMessage({ type: 'error', message: e.message }),
);
