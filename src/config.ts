// The service's whole configuration, parsed once from the environment. A wrong or missing
// value stops the start with one line naming the variable.
import { z } from 'zod';

const csv = z
  .string()
  .default('')
  .transform((s) =>
    s
      .split(',')
      .map((k) => k.trim())
      .filter(Boolean),
  );

/** A yes/no switch; left unset it stays undefined, so the caller can pick the default. */
const flag = z
  .enum(['true', 'false', '1', '0', 'yes', 'no'])
  .transform((v) => v === 'true' || v === '1' || v === 'yes');

/** A whole number in decimal digits: Number() alone would also take "0x10", "1e3" or " 7 ". */
const int = (min: number, max: number) =>
  z
    .string()
    .regex(/^-?[0-9]+$/, 'must be a whole number')
    .transform(Number)
    .pipe(z.number().int().min(min).max(max));

/** A rate limit as `<count>/<seconds>` (e.g. `60/60`), or `off`. */
const rateLimit = z
  .string()
  .regex(/^(off|[0-9]{1,7}\/[0-9]{1,6})$/, 'must be <count>/<seconds> such as 60/60, or off')
  .transform((v) =>
    v === 'off' ? null : { points: Number(v.split('/')[0]), seconds: Number(v.split('/')[1]) },
  )
  .refine(
    (v) => v === null || (v.points >= 1 && v.seconds >= 1),
    'count and seconds must be at least 1',
  );

const databaseUrl = z
  .string()
  .regex(/^postgres(ql)?:\/\//, 'must be a postgres:// URL')
  .refine(
    (u) => URL.canParse(u) && new URL(u).pathname.length > 1,
    'must name a database, e.g. postgres://user@host:5432/xuefen',
  );

export const configSchema = z
  .object({
    NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
    PORT: int(0, 65535).default(3000),
    HOST: z.string().min(1).default('0.0.0.0'),
    LOG_LEVEL: z
      .enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'])
      .default('info'),
    LOG_PRETTY: flag.optional(),
    DATABASE_URL: databaseUrl.optional(),
    DATABASE_POOL_MAX: int(1, 200).default(20),
    DATA_DIR: z.string().min(1).default('./data'),
    ADMIN_API_KEYS: csv.refine(
      (keys) => keys.every((k) => k.length >= 16),
      'each key needs 16+ characters',
    ),
    SERVICE_API_KEYS: csv.refine(
      (keys) => keys.every((k) => k.length >= 16),
      'each key needs 16+ characters',
    ),
    POINTS_EXPIRY_MONTHS: int(0, 120).default(12),
    TIME_ZONE: z
      .string()
      .default('Asia/Shanghai')
      .refine((tz) => {
        try {
          new Intl.DateTimeFormat('en', { timeZone: tz });
          return true;
        } catch {
          return false;
        }
      }, 'must be an IANA time zone such as Asia/Shanghai'),
    HOLD_DEFAULT_TTL_SECONDS: int(10, 86400 * 30).default(600),
    LEDGER_BATCH_IN_FLIGHT: int(1, 64).default(2),
    LEDGER_BATCH_MAX: int(1, 32).default(32),
    JOBS_INTERVAL_SECONDS: int(0, 86400).default(60),
    SHUTDOWN_TIMEOUT_MS: int(100, 120000).default(10000),
    MAX_BODY_BYTES: int(1024, 10 * 1024 * 1024).default(64 * 1024),
    /** Unset = http://localhost:<PORT> (filled in below), so links follow the port. */
    PUBLIC_URL: z.string().url().optional(),
    SESSION_SECRET: z.string().min(16, 'needs 16+ characters').optional(),
    TELEGRAM_BOT_TOKEN: z
      .string()
      .regex(/^\d+:[\w-]+$/, 'must look like 123456:ABC-DEF (from @BotFather)')
      .optional(),
    TELEGRAM_MODE: z.enum(['polling', 'webhook']).default('polling'),
    TELEGRAM_WEBHOOK_URL: z.string().url().optional(),
    TELEGRAM_WEBHOOK_SECRET: z
      .string()
      .regex(/^[A-Za-z0-9_-]{1,256}$/, 'letters, digits, _ and - only (Telegram rule)')
      .optional(),
    TELEGRAM_API_ROOT: z.string().url().default('https://api.telegram.org'),
    DISCORD_TOKEN: z.string().min(1).optional(),
    DISCORD_APPLICATION_ID: z.string().regex(/^\d+$/, 'must be a numeric id').optional(),
    DISCORD_PUBLIC_KEY: z
      .string()
      .regex(/^[0-9a-f]{64}$/i, 'must be 64 hex characters')
      .optional(),
    DISCORD_GUILD_ID: z.string().regex(/^\d+$/, 'must be a numeric id').optional(),
    DISCORD_API_BASE: z.string().url().default('https://discord.com/api'),
    // Unset: sandbox in development and test, none in production (see below).
    PAYMENT_PROVIDER: z.enum(['sandbox', 'none']).optional(),
    PAYMENT_SANDBOX_IN_PRODUCTION: flag.default(false),
    // Rate limits (per process, see the README): `<count>/<seconds>` or `off`.
    RATE_LIMIT_CHAT_SESSION: rateLimit.prefault('60/60'),
    RATE_LIMIT_CHAT_IP: rateLimit.prefault('600/60'),
    RATE_LIMIT_CHAT_USER: rateLimit.prefault('60/60'),
    RATE_LIMIT_SESSION_CREATE_IP: rateLimit.prefault('100/3600'),
    RATE_LIMIT_CHECKIN_USER: rateLimit.prefault('30/60'),
    RATE_LIMIT_REDEEM_USER: rateLimit.prefault('30/60'),
    /** Proxies in front of the service whose X-Forwarded-For is believed: false/0 = none, true = 1. */
    TRUST_PROXY: z
      .string()
      .regex(/^(true|false|yes|no|[0-9])$/, 'must be true, false or a number of proxy hops (0-9)')
      .transform((v) =>
        v === 'true' || v === 'yes' ? 1 : v === 'false' || v === 'no' ? 0 : Number(v),
      )
      .prefault('false'),
    WEB_SESSION_TTL_HOURS: int(1, 24 * 400).default(720),
    WEB_SESSION_ROTATE_HOURS: int(1, 24 * 400).default(24),
    /** GET /metrics also answers to this bearer token (besides admin keys): a scraper needs no admin key. */
    METRICS_TOKEN: z.string().min(16, 'needs 16+ characters').optional(),
    /** A second listener serving only /metrics (open unless METRICS_TOKEN is set). */
    METRICS_PORT: int(1, 65535).optional(),
  })
  .superRefine((c, ctx) => {
    if (c.TELEGRAM_BOT_TOKEN && c.TELEGRAM_MODE === 'webhook') {
      if (!c.TELEGRAM_WEBHOOK_URL)
        ctx.addIssue({
          code: 'custom',
          path: ['TELEGRAM_WEBHOOK_URL'],
          message: 'required when TELEGRAM_MODE=webhook',
        });
      if (!c.TELEGRAM_WEBHOOK_SECRET)
        ctx.addIssue({
          code: 'custom',
          path: ['TELEGRAM_WEBHOOK_SECRET'],
          message: 'required when TELEGRAM_MODE=webhook',
        });
    }
    // The sandbox takes no money and completes any payment its pay link asks for: in production
    // only on purpose.
    if (
      c.NODE_ENV === 'production' &&
      c.PAYMENT_PROVIDER === 'sandbox' &&
      !c.PAYMENT_SANDBOX_IN_PRODUCTION
    ) {
      ctx.addIssue({
        code: 'custom',
        path: ['PAYMENT_PROVIDER'],
        message:
          'sandbox payments take no real money; refused with NODE_ENV=production unless PAYMENT_SANDBOX_IN_PRODUCTION=true (or use PAYMENT_PROVIDER=none)',
      });
    }
    if (c.METRICS_PORT !== undefined && c.METRICS_PORT === c.PORT)
      ctx.addIssue({ code: 'custom', path: ['METRICS_PORT'], message: 'must differ from PORT' });
  })
  .transform((c) => ({
    ...c,
    PUBLIC_URL: c.PUBLIC_URL ?? `http://localhost:${c.PORT}`,
    PAYMENT_PROVIDER:
      c.PAYMENT_PROVIDER ??
      (c.NODE_ENV === 'production' ? ('none' as const) : ('sandbox' as const)),
  }));

export type Config = z.infer<typeof configSchema>;

export class ConfigError extends Error {}

/** Parses an environment; throws ConfigError with one line per bad variable. */
export function createConfig(env: Record<string, string | undefined> = process.env): Config {
  // An empty variable is an unset one: docker compose passes ${X:-} as "", and so does a copied
  // .env.example with its optional lines left blank.
  const set = Object.fromEntries(
    Object.entries(env).filter(([, v]) => v !== undefined && v.trim() !== ''),
  );
  const result = configSchema.safeParse(set);
  if (!result.success) {
    const lines = result.error.issues.map((i) => `${i.path.join('.') || '(env)'}: ${i.message}`);
    throw new ConfigError(`invalid configuration: ${lines.join('; ')}`);
  }
  return result.data;
}
