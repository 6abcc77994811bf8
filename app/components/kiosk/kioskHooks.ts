// window.__kiosk for the kiosk's Playwright spec: loaded only when a test asks (window.__TWIN_TEST__),
// never part of the page's own bundle path.
export interface KioskHooks {
  attract(): boolean;
  /** how many full resets the idle timer made */
  resets(): number;
  /** makes the idle time run out now (the next check, within 250 ms, resets) */
  idleNow(): void;
  /** "flood my street" at a local point, as a tap there would */
  floodAt(x: number, y: number): void;
  spot(): { x: number; y: number } | null;
  /** the figure's feet (local metres) as the person layer holds them */
  person(): { x: number; y: number; z: number } | null;
  readout(): { depthM: number; t: number; peakM: number; runId: string | null };
  storms(): { runId: string; en: string }[];
  chooseStorm(i: number): void;
  large(): boolean;
  /** reads the kiosk settings again now (the page polls them every minute) */
  reloadConfig(): Promise<void>;
}

declare global {
  interface Window { __kiosk?: KioskHooks }
}

export function installKioskHooks(api: KioskHooks): () => void {
  window.__kiosk = api;
  return () => { if (window.__kiosk === api) delete window.__kiosk; };
}
