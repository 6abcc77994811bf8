// The soak's baseline, in a child process at the same priority: an event loop with nothing to do,
// measured over the same window. On a shared machine a process that is not scheduled shows
// "stalls" that no code caused; this is how long those are. IPC: 'start', 'stop' -> the figures.
import { monitorEventLoopDelay } from 'node:perf_hooks';

const h = monitorEventLoopDelay({ resolution: 10 });
let over = 0, last = performance.now();
const timer = setInterval(() => {
  const now = performance.now();
  if (now - last - 20 > 100) over++;
  last = now;
}, 20);
process.on('message', (m: string) => {
  if (m === 'start') { h.reset(); h.enable(); over = 0; }
  if (m === 'stop') {
    h.disable();
    clearInterval(timer);
    process.send!({ maxMs: Math.round(h.max / 1e6), p99Ms: Math.round(h.percentile(99) / 1e5) / 10, over100: over }, () => process.exit(0));
  }
});
process.send!('ready');
