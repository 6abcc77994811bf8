import { defineConfig } from '@playwright/test';
import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CHROMIUM_ARGS } from './e2e/flags';
import { E2E_ADMIN, INGEST_TOKEN } from './e2e/helpers';

// Playwright against the production build (`next build` runs before this; .next must exist) in
// Debian's Chromium with SwiftShader WebGL. The config starts the real server on its own port
// with a fresh database directory per run (the sample city is generated on first start).
const PORT = Number(process.env.E2E_PORT ?? 3100);
// E2E_BASE_URL runs the specs against a server that is already up (set E2E_INGEST_TOKEN to its token).
const EXTERNAL = process.env.E2E_BASE_URL;
// Workers re-read this file: the directory is chosen once, in the main process, and inherited.
process.env.TWIN_E2E_DATA ??= mkdtempSync(join(tmpdir(), 'twin-e2e-'));
// The server under test starts with an administrator whose password is made here, per run
// (the product has no default password); e2e/helpers.ts signIn() creates the other roles with it.
process.env.E2E_ADMIN_PASSWORD ??= `e2e-${randomBytes(12).toString('hex')}`;

export default defineConfig({
  testDir: './e2e',
  testMatch: '*.spec.ts',
  globalTeardown: './e2e/global-teardown.ts',
  fullyParallel: false,
  workers: 1,
  retries: 0,
  timeout: 180_000,
  expect: { timeout: 20_000 },
  reporter: [['list'], ['html', { open: 'never', outputFolder: 'test-results/e2e-report' }]],
  outputDir: 'test-results/e2e-artifacts',
  use: {
    baseURL: EXTERNAL ?? `http://localhost:${PORT}`,
    viewport: { width: 960, height: 600 },
    locale: 'zh-CN',
    screenshot: 'only-on-failure',
    trace: 'retain-on-failure',
    launchOptions: { executablePath: '/usr/bin/chromium', args: CHROMIUM_ARGS, headless: true },
  },
  webServer: EXTERNAL ? undefined : {
    command: 'node --import tsx server/main.ts',
    url: `http://localhost:${PORT}/healthz`,
    timeout: 240_000,
    reuseExistingServer: false,
    stdout: 'ignore',
    stderr: 'pipe',
    env: {
      PORT: String(PORT),
      NODE_ENV: 'production',
      DATA_DIR: process.env.TWIN_E2E_DATA,
      INGEST_TOKEN,
      MQTT_PORT: String(PORT + 1),
      LOG_LEVEL: 'warn',
      TWIN_BOOTSTRAP_ADMIN: E2E_ADMIN.name,
      TWIN_BOOTSTRAP_PASSWORD: process.env.E2E_ADMIN_PASSWORD,
      // the warnings spec's webhook sink listens on loopback, which webhooks may not call otherwise
      WARNING_WEBHOOK_ALLOW: '127.0.0.1',
    },
  },
});
