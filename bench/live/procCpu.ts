// CPU seconds of the Chromium processes this bench started (browser, renderers with their workers,
// the GPU process that runs SwiftShader), from /proc. On a machine without a GPU, SwiftShader's
// drawing is CPU time outside the page's main thread: a page whose frames are too heavy to draw
// shows an idle main thread and a busy GPU process, so the bench reports both.
import { readdirSync, readFileSync } from 'node:fs';

const TICK_S = 0.01; // USER_HZ is 100 on Linux

interface Proc { pid: number; ppid: number; cpuS: number; gpu: boolean; chromium: boolean }

function readProcs(): Proc[] {
  const out: Proc[] = [];
  for (const d of readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    try {
      const stat = readFileSync(`/proc/${d}/stat`, 'utf8');
      // the command name is in parentheses and may hold spaces: the fields follow its last ')'
      const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      const cmd = readFileSync(`/proc/${d}/cmdline`, 'utf8');
      out.push({ pid: Number(d), ppid: Number(f[1]), cpuS: (Number(f[11]) + Number(f[12])) * TICK_S, gpu: cmd.includes('--type=gpu-process'), chromium: /chrom/i.test(cmd.split('\0')[0] ?? '') });
    } catch { /* the process ended while listed */ }
  }
  return out;
}

/** CPU seconds so far of the Chromium processes under this Node process: all, and the GPU process. */
export function chromiumCpuSeconds(): { all: number; gpu: number } {
  const procs = readProcs();
  const children = new Map<number, Proc[]>();
  for (const p of procs) children.set(p.ppid, [...(children.get(p.ppid) ?? []), p]);
  let all = 0, gpu = 0;
  const walk = (pid: number) => {
    for (const c of children.get(pid) ?? []) {
      if (c.chromium) { all += c.cpuS; if (c.gpu) gpu += c.cpuS; }
      walk(c.pid);
    }
  };
  walk(process.pid);
  return { all, gpu };
}
