// Bootstrap for flood workers: registers tsx in this thread and loads the TypeScript worker, so
// workers start the same way under tsx (CLI, server), vitest and plain node.
import { register } from 'tsx/esm/api';

register();
await import('./worker.ts');
