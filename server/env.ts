import { z } from 'zod';
import { cityPresetSchema } from '../models/city';
import { formatIssues } from '../models/issues';

// process.env is read once, here, and validated: a wrong value stops the process at start with
// the variable's name, instead of failing later somewhere else.
const envSchema = z.object({
  NODE_ENV: z.enum(['development', 'production', 'test']).default('production'),
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  HOST: z.string().default('0.0.0.0'),
  /** PGlite's data directory; the embedded default database */
  DATA_DIR: z.string().default('./data'),
  /** postgres://... switches from embedded PGlite to a PostgreSQL server */
  DATABASE_URL: z.string().url().optional(),
  /** mqtt://... switches from the in-process broker to an external one */
  MQTT_URL: z.string().url().optional(),
  /** the in-process broker's port (without MQTT_URL); 0 = any free port */
  MQTT_PORT: z.coerce.number().int().min(0).max(65535).default(1883),
  /** MQTT ingest (docs/mqtt.md): "off" starts no broker and no client */
  MQTT: z.enum(['on', 'off']).default('on'),
  /** redis://... enables the socket.io Redis adapter for several instances */
  REDIS_URL: z.string().url().optional(),
  /**
   * bearer token for the ingest API and MQTT password; unset: a random one kept in DATA_DIR/ingest-token
   * (server/secrets.ts). The README's old example token is refused when HOST is beyond loopback.
   */
  INGEST_TOKEN: z.string().min(8, 'INGEST_TOKEN must be at least 8 characters').optional(),
  /** the telemetry simulator: on by default, "off" to take only real telemetry */
  SIMULATOR: z.enum(['on', 'off']).default('on'),
  /** synthetic load on top of the simulated city: random changes per second (benchmarks, demos) */
  /**
   * history resolution: one row per component per bucket it reported in. At city scale (462,894
   * components all reporting) 5 minutes is 1,500 rows/s into the database; 1 minute would be 7,700.
   */
  HISTORY_BUCKET_S: z.coerce.number().int().min(10).max(86_400).default(300),
  SIMULATOR_RATE: z.coerce.number().int().min(0).max(20_000_000).default(0),
  /** the city generated on first start when the database has none */
  DEFAULT_CITY_PRESET: cityPresetSchema.default('default'),
  /** flood runs at once in this process; the machine's cores by default */
  SIM_CONCURRENCY: z.coerce.number().int().min(1).max(256).optional(),
  /** finished runs keep their frames and result files this many days (the record stays) */
  RUN_RETENTION_DAYS: z.coerce.number().int().min(1).max(36_500).default(30),
  /** reports dated more than this ahead of the server clock are refused */
  REPORT_MAX_SKEW_S: z.coerce.number().int().min(0).max(86_400).default(120),
  /** the raw audit trail of durable ingest (state_changes) is kept this many days; older reports are refused */
  STATE_CHANGES_RETENTION_DAYS: z.coerce.number().int().min(1).max(36_500).default(90),
  /** history buckets older than this many days are merged into HISTORY_COARSE_BUCKET_S buckets */
  HISTORY_DOWNSAMPLE_AFTER_DAYS: z.coerce.number().int().min(1).max(36_500).default(30),
  HISTORY_COARSE_BUCKET_S: z.coerce.number().int().min(60).max(86_400).default(3600),
  /** component history is kept this many days (a year and a month: the same month last year) */
  HISTORY_RETENTION_DAYS: z.coerce.number().int().min(1).max(36_500).default(400),
  /**
   * Flood warnings' webhooks are POSTed only to public addresses; these hosts, addresses or ranges
   * (comma-separated: hooks.duty.local,10.20.0.0/16) may be called although they are not.
   */
  WARNING_WEBHOOK_ALLOW: z.string().max(4000).default(''),
  /** how often retention and down-sampling run (in small batches beside ingest) */
  RETENTION_EVERY_S: z.coerce.number().int().min(10).max(86_400).default(600),
  /**
   * An administrator created at start when none exists (tests, automated installs); both or
   * neither. Without them the first start prints a one-time setup link.
   */
  TWIN_BOOTSTRAP_ADMIN: z.string().optional(),
  TWIN_BOOTSTRAP_PASSWORD: z.string().optional(),
  /**
   * Case photos in an S3-compatible store (MinIO, Ceph, AWS S3...) instead of files under DATA_DIR:
   * S3_BUCKET turns it on; path-style URLs <S3_ENDPOINT>/<bucket>/<S3_PREFIX><case>/<photo>.
   */
  S3_BUCKET: z.string().min(3).optional(),
  S3_ENDPOINT: z.string().url().optional(),
  S3_REGION: z.string().default('us-east-1'),
  S3_ACCESS_KEY_ID: z.string().optional(),
  S3_SECRET_ACCESS_KEY: z.string().optional(),
  S3_PREFIX: z.string().regex(/^([\w.-]+\/)*$/, 'S3_PREFIX: folder names ending in /, or empty').default('case-photos/'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
}).superRefine((e, ctx) => {
  if (e.S3_BUCKET && !(e.S3_ENDPOINT && e.S3_ACCESS_KEY_ID && e.S3_SECRET_ACCESS_KEY)) ctx.addIssue({ code: 'custom', path: ['S3_BUCKET'], message: 'S3_BUCKET needs S3_ENDPOINT, S3_ACCESS_KEY_ID and S3_SECRET_ACCESS_KEY' });
  if (!!e.TWIN_BOOTSTRAP_ADMIN !== !!e.TWIN_BOOTSTRAP_PASSWORD) ctx.addIssue({ code: 'custom', path: ['TWIN_BOOTSTRAP_PASSWORD'], message: 'TWIN_BOOTSTRAP_ADMIN and TWIN_BOOTSTRAP_PASSWORD go together' });
});
export type Env = z.infer<typeof envSchema>;

export function loadEnv(source: Record<string, string | undefined> = process.env): Env {
  const r = envSchema.safeParse(source);
  if (!r.success) {
    throw new Error(`invalid environment:\n${formatIssues(r.error).map((l) => `  ${l}`).join('\n')}`);
  }
  return r.data;
}
