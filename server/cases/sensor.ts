// Sensor cases: a component that real telemetry (HTTP or MQTT ingest, not the simulator) puts in
// alarm, damaged or missing opens one case (CaseStore.openSensorCases: none while one is open).
// A component that reports intact again moves its sensor case, while with the department, to
// "reported back" (CaseStore.sensorIntact): the inspector's check then confirms it.
// The ingest turn only marks components (O(1) a change, no allocation); the cases are opened once
// a second, many per statement, off that turn. One pass runs at a time and takes everything marked
// when it starts, so the work waiting is bounded by the number of components, and close() ends
// after at most two passes however long the storm was.
import { STATE_CODE } from '../../models/components';
import type { CityRuntime, Twin } from '../twin';
import { log } from '../log';
import type { CaseStore } from './store';
import { SENSOR_OPENS } from './sensorOpen';

const OPENING = 1, INTACT = 2;

/** Per city: a mark per component (OPENING | INTACT) and the list of the marked ones. */
interface Marks { mark: Uint8Array; list: Uint32Array; n: number }

export class SensorCases {
  private marks = new Map<string, Marks>();
  private chain: Promise<void> = Promise.resolve();
  /** passes asked for and not started yet (the timer adds none while one waits) */
  private waiting = 0;
  private readonly timer: NodeJS.Timeout;

  constructor(private readonly twin: Twin, private readonly store: CaseStore, everyMs = 1000) {
    twin.onSensorChanges = (city, n, indices, states) => {
      const m = this.marksOf(city);
      for (let k = 0; k < n; k++) {
        const st = states[k]!;
        const bit = SENSOR_OPENS.has(st) ? OPENING : st === STATE_CODE.intact ? INTACT : 0;
        if (bit === 0) continue;
        const i = indices[k]!;
        if (m.mark[i] === 0) m.list[m.n++] = i;
        m.mark[i]! |= bit;
      }
    };
    this.timer = setInterval(() => {
      if (this.waiting === 0) void this.flush();
    }, everyMs);
    this.timer.unref();
  }

  private marksOf(city: CityRuntime): Marks {
    let m = this.marks.get(city.slug);
    // a re-imported city may have another size: start its marks afresh
    if (!m || m.mark.length !== city.live.count) {
      m = { mark: new Uint8Array(city.live.count), list: new Uint32Array(city.live.count), n: 0 };
      this.marks.set(city.slug, m);
    }
    return m;
  }

  /** Components in (or out of) alarm since the last pass: resolves once their cases are opened (or reported back). */
  flush(): Promise<void> {
    this.waiting++;
    const run = this.chain.then(() => {
      this.waiting--;
      return this.pass();
    });
    this.chain = run;
    return run;
  }

  private async pass() {
    for (const [city, m] of this.marks) {
      if (m.n === 0) continue;
      const opening: number[] = [], intact = new Set<number>();
      for (let k = 0; k < m.n; k++) {
        const i = m.list[k]!, bit = m.mark[i]!;
        if (bit & OPENING) opening.push(i);
        if (bit & INTACT) intact.add(i);
        m.mark[i] = 0;
      }
      m.n = 0;
      try {
        const moved = intact.size ? await this.store.sensorIntact(city, intact) : [];
        if (moved.length) log.info({ city, cases: moved }, 'components intact again: sensor cases reported back');
      } catch (err) {
        log.error({ err, city }, 'sensor intact check failed');
      }
      try {
        const opened = await this.store.openSensorCases(city, opening);
        if (opened.length) log.info({ city, count: opened.length, cases: opened.slice(0, 20) }, 'sensors opened cases');
      } catch (err) {
        // marked again: the next pass tries them (the open-case check makes a retry safe)
        for (const i of opening) this.remark(city, i);
        log.error({ err, city, count: opening.length }, 'sensor cases failed; tried again next time');
      }
    }
  }

  private remark(city: string, i: number) {
    const m = this.marks.get(city);
    if (!m || i >= m.mark.length) return;
    if (m.mark[i] === 0) m.list[m.n++] = i;
    m.mark[i]! |= OPENING;
  }

  async close() {
    clearInterval(this.timer);
    this.twin.onSensorChanges = null;
    await this.flush();
  }
}
