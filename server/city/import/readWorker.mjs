// Bootstrap for the import's read worker: registers tsx in this thread, then loads the TypeScript
// worker (the same way under tsx, vitest and plain node, as server/sim/worker.mjs does).
import { register } from 'tsx/esm/api';

register();
await import('./readWorker.ts');
