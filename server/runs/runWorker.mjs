// Bootstrap of a run's worker thread: registers tsx here (it does not reach worker threads by
// itself, see server/db/index.ts), then loads the TypeScript worker, as server/sim/worker.mjs does.
import { register } from 'tsx/esm/api';

register();
await import('./runWorker.ts');
