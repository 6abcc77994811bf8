import { rmSync } from 'node:fs';

/** Removes this run's database directory (a fresh one is made per run by playwright.config.ts). */
export default function globalTeardown() {
  const dir = process.env.TWIN_E2E_DATA;
  if (dir && dir.includes('twin-e2e-')) rmSync(dir, { recursive: true, force: true });
}
