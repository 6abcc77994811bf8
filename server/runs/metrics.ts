import { Counter, Gauge, Histogram } from 'prom-client';
import { registry } from '../metrics';

// Flood runs, beside the process's other metrics at /metrics.
export const runsQueued = new Gauge({ name: 'twin_runs_queued', help: 'Flood runs waiting in the queue (all processes)', registers: [registry] });
export const runsRunning = new Gauge({ name: 'twin_runs_running', help: 'Flood runs running in this process', registers: [registry] });
export const runsFinished = new Counter({ name: 'twin_runs_finished_total', help: 'Flood runs finished in this process, by status', labelNames: ['status'], registers: [registry] });
export const runSeconds = new Histogram({
  name: 'twin_run_seconds', help: 'Wall time of a flood run from claim to its end', buckets: [1, 5, 15, 30, 60, 120, 300, 600, 1800], registers: [registry],
});
