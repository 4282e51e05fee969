// The permission matrix, walked: every route of the OpenAPI document and every other mounted
// route (pages, docs, sandbox, the bots' webhooks) is called by every kind of caller, and
// whether the auth layer let the call through must be exactly what the matrix says. A route
// without a matrix entry fails here and is refused at run time; the README's table must match.
import { generateKeyPairSync, sign } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ADMIN_KEY,
  createHarness,
  http,
  newUser,
  SERVICE_KEY,
  uniqueKey,
  type Harness,
} from './support/harness.js';
import { createApp, type App } from '../src/http/app.js';
import { startBots, type Bots } from '../src/bots.js';
import {
  openApiPath,
  permissionMatrix,
  type Caller,
  type Permission,
} from '../src/http/permissions.js';

const TELEGRAM_SECRET = 'tg-permissions-secret';
const TELEGRAM_PATH = '/tg/permissions-hook';
const METRICS_TOKEN = 'metrics-scraper-token-0123456789';
/** Routes outside the OpenAPI document that this configuration mounts (each must be walked). */
const NOT_IN_OPENAPI = [
  'GET /',
  'GET /r/{code}',
  'GET /healthz',
  'GET /openapi.json',
  'GET /docs',
  'GET /docs/assets/{file}',
  `POST ${TELEGRAM_PATH}`,
  'POST /discord/interactions',
];
/** Path parameters that name nothing, so a call that passes auth changes nothing. */
const SAMPLE: Record<string, string> = {
  id: '999999',
  orderId: '999999',
  slug: 'no-such-thing',
  community: 'telegram:-1009',
  ref: `sbx_${'0'.repeat(32)}`,
  action: 'fail',
  code: 'no.such',
  file: 'swagger-ui.css',
};

const pair = generateKeyPairSync('ed25519');
const discordKeyHex = pair.publicKey
  .export({ format: 'der', type: 'spki' })
  .subarray(-32)
  .toString('hex');

let h: Harness;
let bots: Bots;
let webCookie: string;
let matrix: Permission[];

beforeAll(async () => {
  h = await createHarness({
    env: {
      TELEGRAM_BOT_TOKEN: '123456:permissions-test',
      TELEGRAM_MODE: 'webhook',
      TELEGRAM_WEBHOOK_URL: `https://points.example.test${TELEGRAM_PATH}`,
      TELEGRAM_WEBHOOK_SECRET: TELEGRAM_SECRET,
      METRICS_TOKEN,
      // Nothing listens there (this file's own port): the bot's start-up calls fail and retry, harmlessly.
      TELEGRAM_API_ROOT: 'http://127.0.0.1:3431',
      DISCORD_API_BASE: 'http://127.0.0.1:3431',
      DISCORD_PUBLIC_KEY: discordKeyHex,
      DISCORD_APPLICATION_ID: '1234567890',
    },
  });
  // Mounted the way main.ts does it.
  bots = startBots({
    config: h.services.config,
    services: h.services,
    app: h.app,
    logger: h.services.logger,
  });
  matrix = permissionMatrix(h.services.config);
  const chat = await h.app.request('/v1/chat', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ user: { channel: 'web' }, text: 'hi' }),
  });
  webCookie = chat.headers.get('set-cookie')!.split(';')[0]!;
});
afterAll(async () => {
  await bots?.stop();
  await h?.close();
});

type Kind =
  | 'none'
  | 'invalid key'
  | 'service'
  | 'admin'
  | 'metrics'
  | 'web'
  | 'telegram'
  | 'discord'
  | 'wrong telegram secret'
  | 'bad discord signature';
const KINDS: Kind[] = [
  'none',
  'invalid key',
  'service',
  'admin',
  'metrics',
  'web',
  'telegram',
  'discord',
  'wrong telegram secret',
  'bad discord signature',
];
const BODY = JSON.stringify({ type: 1 });

function credentials(kind: Kind, body: string): Record<string, string> {
  switch (kind) {
    case 'none':
      return {};
    case 'invalid key':
      return { authorization: 'Bearer not-a-valid-key-0123456789' };
    case 'service':
      return { authorization: `Bearer ${SERVICE_KEY}` };
    case 'admin':
      return { authorization: `Bearer ${ADMIN_KEY}` };
    case 'metrics':
      return { authorization: `Bearer ${METRICS_TOKEN}` };
    case 'web':
      return { cookie: webCookie };
    case 'telegram':
      return { 'x-telegram-bot-api-secret-token': TELEGRAM_SECRET };
    case 'wrong telegram secret':
      return { 'x-telegram-bot-api-secret-token': `${TELEGRAM_SECRET}-not` };
    case 'discord':
    case 'bad discord signature': {
      const ts = String(Math.floor(Date.now() / 1000));
      const signed = kind === 'discord' ? body : `${body} `;
      return {
        'x-signature-ed25519': sign(null, Buffer.from(ts + signed), pair.privateKey).toString(
          'hex',
        ),
        'x-signature-timestamp': ts,
      };
    }
  }
}

/** What the matrix says the auth layer answers: let through, or refuse with 401 or 403. */
function expected(allow: readonly Caller[], kind: Kind): 'pass' | 401 | 403 {
  if (allow.includes('public')) return 'pass';
  if (kind === 'invalid key') return 401;
  // Credentials that do not hold are none at all, except on their own platform's route.
  if (kind === 'none' || kind === 'wrong telegram secret' || kind === 'bad discord signature')
    return allow.includes('web') ? 'pass' : 401;
  if (kind === 'admin' || kind === 'service' || kind === 'metrics')
    return allow.includes(kind) ? 'pass' : 403;
  // Keyless: a web route takes any keyless caller as its browser session.
  return allow.includes(kind) || allow.includes('web') ? 'pass' : 403;
}

async function outcome(
  app: App,
  method: string,
  path: string,
  kind: Kind,
): Promise<'pass' | 401 | 403> {
  const url = path.replace(/\{([^}]+)\}/g, (_, name: string) =>
    encodeURIComponent(SAMPLE[name] ?? '1'),
  );
  const body = method === 'GET' ? undefined : BODY;
  const res = await app.request(url, {
    method,
    headers: {
      ...(body ? { 'content-type': 'application/json' } : {}),
      ...credentials(kind, body ?? ''),
    },
    body,
  });
  if (res.status !== 401 && res.status !== 403) return 'pass';
  // Told apart by the code: a business 403 (tier_required, not_enrolled…) or a payment's
  // invalid_signature 401 passed auth. The auth layer's 403s also carry the callers the route
  // takes, unlike the assistant's own 'forbidden' (another channel without a key).
  const err = (
    (await res.json().catch(() => undefined)) as
      { error?: { code?: string; details?: { allowed?: unknown } } } | undefined
  )?.error;
  const auth =
    err?.code === 'unauthorized' ||
    (err?.code === 'forbidden' && Array.isArray(err.details?.allowed));
  return auth ? (res.status as 401 | 403) : 'pass';
}

/** Every route the app serves: the OpenAPI document's operations and the mounted handlers. */
async function routesOf(app: App): Promise<string[]> {
  const doc = (await (await app.request('/openapi.json')).json()) as {
    paths: Record<string, Record<string, unknown>>;
  };
  const documented = Object.entries(doc.paths).flatMap(([path, ops]) =>
    Object.keys(ops).map((m) => `${m.toUpperCase()} ${path}`),
  );
  const mounted = app.routes
    .filter((r) => r.method !== 'ALL')
    .map((r) => `${r.method} ${openApiPath(r.path)}`);
  return [...new Set([...documented, ...mounted])].sort();
}

const keyOf = (p: Permission) => `${p.method} ${p.path}`;
const unlisted = (routes: string[], m: Permission[]) =>
  routes.filter((r) => !m.some((p) => keyOf(p) === r));

describe('the matrix covers every route', () => {
  it('has an entry for every route of the OpenAPI document and every mounted route, and none for a route that is not there', async () => {
    const routes = await routesOf(h.app);
    expect(routes).toEqual(expect.arrayContaining(NOT_IN_OPENAPI));
    expect(unlisted(routes, matrix)).toEqual([]);
    expect(matrix.map(keyOf).filter((k) => !routes.includes(k))).toEqual([]);
  });

  it('keeps /v1/admin for admin keys and the money-moving routes away from service keys', () => {
    expect(
      matrix
        .filter((p) => p.path.startsWith('/v1/admin/') && p.allow.join() !== 'admin')
        .map(keyOf),
    ).toEqual([]);
    const mustBeAdmin = [
      'POST /v1/admin/grants',
      'POST /v1/admin/deductions',
      'POST /v1/admin/entries/{id}/reverse',
      'PATCH /v1/admin/rules/{code}',
      'POST /v1/communities/{community}/grants',
    ];
    expect(
      mustBeAdmin.map((k) => `${k} ${matrix.find((p) => keyOf(p) === k)?.allow.join()}`),
    ).toEqual(mustBeAdmin.map((k) => `${k} admin`));
  });

  it('refuses a route added without an entry, and the check above names it', async () => {
    const app = createApp(h.services);
    app.get('/v1/unlisted', (c) => c.json({ leaked: true }));
    app.post('/unlisted-page', (c) => c.text('leaked'));
    for (const key of [ADMIN_KEY, SERVICE_KEY]) {
      const res = await http(app, { key })('GET', '/v1/unlisted');
      expect(res.status).toBe(403);
      expect(res.body.error).toMatchObject({ code: 'forbidden', details: { allowed: [] } });
    }
    expect((await app.request('/unlisted-page', { method: 'POST' })).status).toBe(403);
    expect(unlisted(await routesOf(app), permissionMatrix(h.services.config))).toEqual([
      'GET /v1/unlisted',
      'POST /unlisted-page',
    ]);
  });

  it('is the table in the README', () => {
    const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
    const section = /^### Permissions\n([\s\S]*?)(?=^#)/m.exec(readme)?.[1] ?? '';
    const rows = [
      ...section.matchAll(/^\| `(GET|POST|PUT|PATCH|DELETE) ([^`]+)` \|([^\n]*)\|$/gm),
    ].map(([, method, path, cells]) => {
      const [admin, service, web, bot, pub] = cells!.split('|').map((s) => s.trim());
      const allow = [
        admin && 'admin',
        admin?.includes('METRICS_TOKEN') && 'metrics',
        service && 'service',
        web && 'web',
        bot?.toLowerCase(),
        pub && 'public',
      ].filter(Boolean);
      return `${method} ${path} ${allow.join(',')}`;
    });
    // The README shows the Telegram webhook at its default path.
    const documented = permissionMatrix({ TELEGRAM_WEBHOOK_URL: undefined }).map(
      (p) => `${keyOf(p)} ${p.allow.join(',')}`,
    );
    expect(rows.sort()).toEqual(documented.sort());
  });
});

describe('every route, every caller', () => {
  it('lets through exactly the callers the matrix names (401 without valid credentials, 403 for the wrong kind)', async () => {
    const mismatches: string[] = [];
    // Logout really ends the session it is called with: walked last, so the cookie serves every other route.
    const routes = (await routesOf(h.app)).sort(
      (a, b) => Number(a === 'POST /v1/chat/logout') - Number(b === 'POST /v1/chat/logout'),
    );
    for (const route of routes) {
      const [method, path] = route.split(' ') as [string, string];
      const rule = matrix.find((p) => keyOf(p) === route)!;
      for (const kind of KINDS) {
        const want = expected(rule.allow, kind);
        const got = await outcome(h.app, method, path, kind);
        if (got !== want) mismatches.push(`${route} as ${kind}: expected ${want}, got ${got}`);
      }
    }
    expect(mismatches).toEqual([]);
  });
});

describe('defects the matrix closes', () => {
  it('a service key cannot make a moderator grant (naming any moderator); nothing moves', async () => {
    const community = 'telegram:-100424242';
    const mod = await newUser(h, { channel: 'telegram' });
    const learner = await newUser(h);
    await h.services.roles.grantModerator(mod.id, community, 'test');
    const body = {
      moderatorUserId: mod.id,
      userId: learner.id,
      points: 200,
      reason: 'claimed by a backend',
    };
    const asService = await http(h.app, { key: SERVICE_KEY })(
      'POST',
      `/v1/communities/${community}/grants`,
      { body, headers: { 'idempotency-key': uniqueKey() } },
    );
    expect(asService.status).toBe(403);
    expect(asService.body.error.code).toBe('forbidden');
    expect((await h.services.account.balance(learner.id)).balance).toBe(0);
    expect(await h.services.grants.list({ community })).toEqual([]);
    // Admins still may (and the bots grant in-process, through the grants service).
    const asAdmin = await http(h.app, { key: ADMIN_KEY })(
      'POST',
      `/v1/communities/${community}/grants`,
      { body, headers: { 'idempotency-key': uniqueKey() } },
    );
    expect(asAdmin.status).toBe(201);
    expect((await h.services.account.balance(learner.id)).balance).toBe(200);
  });
});
