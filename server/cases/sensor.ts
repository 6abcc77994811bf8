// Sensor cases: a component that real telemetry (HTTP or MQTT ingest, not the simulator) puts in
// alarm, damaged or missing opens one case (CaseStore.openSensorCase: none while one is open).
// A component that reports intact again moves its sensor case, while with the department, to
// "reported back" (CaseStore.sensorIntact): the inspector's check then confirms it.
// The hot path only collects indices; cases are opened once a second, one at a time.
import { STATE_CODE } from '../../models/components';
import type { Twin } from '../twin';
import { log } from '../log';
import type { CaseStore } from './store';

const OPENS = new Set<number>([STATE_CODE.alarm, STATE_CODE.damaged, STATE_CODE.missing]);

export class SensorCases {
  private pending = new Map<string, Set<number>>();
  private intact = new Map<string, Set<number>>();
  private chain: Promise<void> = Promise.resolve();
  private readonly timer: NodeJS.Timeout;

  constructor(private readonly twin: Twin, private readonly store: CaseStore, everyMs = 1000) {
    twin.onSensorChanges = (city, n, indices, states) => {
      for (let k = 0; k < n; k++) {
        const into = OPENS.has(states[k]!) ? this.pending : states[k] === STATE_CODE.intact ? this.intact : null;
        if (!into) continue;
        let set = into.get(city.slug);
        if (!set) into.set(city.slug, (set = new Set()));
        set.add(indices[k]!);
      }
    };
    this.timer = setInterval(() => void this.flush(), everyMs);
    this.timer.unref();
  }

  /** Opens the cases collected so far (one flush at a time); resolves when done. */
  flush(): Promise<void> {
    const batch = this.pending, intact = this.intact;
    this.pending = new Map();
    this.intact = new Map();
    this.chain = this.chain.then(async () => {
      for (const [city, set] of intact) {
        try {
          const moved = await this.store.sensorIntact(city, set);
          if (moved.length) log.info({ city, cases: moved }, 'components intact again: sensor cases reported back');
        } catch (err) {
          log.error({ err, city }, 'sensor intact check failed');
        }
      }
      for (const [city, set] of batch) {
        for (const i of set) {
          try {
            const number = await this.store.openSensorCase(city, i);
            if (number) log.info({ city, component: i, case: number }, 'sensor opened a case');
          } catch (err) {
            log.error({ err, city, component: i }, 'sensor case failed');
          }
        }
      }
    });
    return this.chain;
  }

  async close() {
    clearInterval(this.timer);
    this.twin.onSensorChanges = null;
    await this.flush();
  }
}
