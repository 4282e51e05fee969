// GET /metrics: Prometheus text behind a key (admin or METRICS_TOKEN), with HTTP latency by
// route pattern and status, ledger operations and batch sizes, chat turns by intent, the
// database pool, rate-limit refusals and the process; and the METRICS_PORT listener's app.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHarness, http, newUser, SERVICE_KEY, type Harness } from './support/harness.js';
import { metricsListenerApp } from '../src/http/metrics.routes.js';
import { createConfig } from '../src/config.js';

const TOKEN = 'scrape-token-0123456789';

/** The value of one sample, 0 when absent. Labels are matched as written, in any order. */
function sample(text: string, name: string, labels: Record<string, string> = {}): number {
  for (const line of text.split('\n')) {
    const m = /^([a-zA-Z_:][\w:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!m || m[1] !== name) continue;
    const have = Object.fromEntries(
      [...(m[2] ?? '').matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)].map((l) => [l[1], l[2]]),
    );
    if (Object.entries(labels).every(([k, v]) => have[k] === v)) return Number(m[3]);
  }
  return 0;
}

describe('GET /metrics', () => {
  let h: Harness;
  let api: ReturnType<typeof http>;
  let userId: number;
  const scrape = async () => {
    const res = await h.app.request('/metrics', { headers: { authorization: `Bearer ${TOKEN}` } });
    expect(res.status).toBe(200);
    return res.text();
  };
  beforeAll(async () => {
    h = await createHarness({ env: { METRICS_TOKEN: TOKEN, RATE_LIMIT_CHECKIN_USER: '2/600' } });
    await h.services.catalog.seedDemo();
    api = http(h.app);
    userId = (await newUser(h, { balance: 50 })).id;
  });
  afterAll(async () => h?.close());

  it('needs an admin key or METRICS_TOKEN, and is in the OpenAPI document', async () => {
    expect((await h.app.request('/metrics')).status).toBe(401);
    // A service key is a valid key of another kind: the permission matrix answers 403.
    expect(
      (await h.app.request('/metrics', { headers: { authorization: `Bearer ${SERVICE_KEY}` } }))
        .status,
    ).toBe(403);
    expect(
      (await h.app.request('/metrics', { headers: { authorization: `Bearer ${TOKEN}` } })).status,
    ).toBe(200);
    expect(
      (
        await h.app.request('/metrics', {
          headers: { authorization: 'Bearer wrong-token-0123456789' },
        })
      ).status,
    ).toBe(401);
    const admin = await api('GET', '/metrics');
    expect(admin.status).toBe(200);
    expect(admin.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
    expect(await scrape()).toContain('# TYPE xuefen_http_request_duration_seconds histogram');
    const doc = (await api('GET', '/openapi.json')).body;
    expect(doc.paths['/metrics'].get).toBeTruthy();
  });

  it('times HTTP requests by method, route pattern and status, never by raw path', async () => {
    const labels = { method: 'GET', route: '/v1/users/:id/balance', status: '200' };
    const before = sample(await scrape(), 'xuefen_http_request_duration_seconds_count', labels);
    for (let i = 0; i < 3; i++)
      expect((await api('GET', `/v1/users/${userId}/balance`)).status).toBe(200);
    await api('GET', `/v1/users/${userId}/balance`, { key: null });
    await api('GET', `/v1/users/${userId}1234/nothing-here`);
    const text = await scrape();
    expect(sample(text, 'xuefen_http_request_duration_seconds_count', labels)).toBe(before + 3);
    expect(
      sample(text, 'xuefen_http_request_duration_seconds_count', { ...labels, status: '401' }),
    ).toBeGreaterThanOrEqual(1);
    expect(
      sample(text, 'xuefen_http_request_duration_seconds_count', {
        method: 'GET',
        route: 'unmatched',
        status: '404',
      }),
    ).toBeGreaterThanOrEqual(1);
    expect(
      sample(text, 'xuefen_http_request_duration_seconds_bucket', { ...labels, le: '+Inf' }),
    ).toBe(before + 3);
    // No label holds an id: every path segment of a route is a word or a :param.
    expect(text).not.toMatch(/route="[^"]*\/\d+[/"]/);
  });

  it('counts ledger operations by kind and outcome, and the sizes of batches', async () => {
    const t0 = await scrape();
    const grant = (key: string, amount = 5) =>
      api('POST', '/v1/admin/grants', {
        body: { userId, amount, reason: 'metrics' },
        headers: { 'idempotency-key': key },
      });
    expect((await grant('m-1')).status).toBe(201);
    expect((await grant('m-1')).body.replayed).toBe(true);
    const refused = await api('POST', '/v1/admin/deductions', {
      body: { userId, amount: 1_000_000, reason: 'metrics' },
      headers: { 'idempotency-key': 'm-2' },
    });
    expect(refused.status).toBe(422);
    // Concurrent calls share batches: the batch sizes add up to the calls.
    const results = await Promise.all(
      Array.from({ length: 24 }, (_, i) => grant(`m-batch-${i}`, 1)),
    );
    expect(results.every((r) => r.status === 201)).toBe(true);
    const t1 = await scrape();
    const delta = (name: string, labels: Record<string, string> = {}) =>
      sample(t1, name, labels) - sample(t0, name, labels);
    expect(delta('xuefen_ledger_operations_total', { kind: 'transfer', outcome: 'ok' })).toBe(25);
    expect(delta('xuefen_ledger_operations_total', { kind: 'transfer', outcome: 'replayed' })).toBe(
      1,
    );
    expect(
      delta('xuefen_ledger_operations_total', { kind: 'transfer', outcome: 'insufficient_points' }),
    ).toBe(1);
    expect(delta('xuefen_ledger_batch_size_sum')).toBe(27);
    expect(delta('xuefen_ledger_batch_size_count')).toBeGreaterThan(0);
    expect(delta('xuefen_ledger_batch_size_count')).toBeLessThanOrEqual(27);
  });

  it('counts chat turns by intent', async () => {
    const before = sample(await scrape(), 'xuefen_chat_turns_total', { intent: 'balance' });
    const turn = await api('POST', '/v1/chat', {
      body: { user: { channel: 'telegram', externalId: 'metrics-chat' }, text: '我有多少积分' },
    });
    expect(turn.body.intent).toBe('balance');
    expect(sample(await scrape(), 'xuefen_chat_turns_total', { intent: 'balance' })).toBe(
      before + 1,
    );
  });

  it('shows the database pool, rate-limit refusals and the process', async () => {
    // Real refusals: the third and fourth check-in of one user within the limit's window.
    const before =
      sample(await scrape(), 'xuefen_rate_limited_total', { limit: 'checkin_user' }) || 0;
    const statuses = [];
    for (let i = 0; i < 4; i++)
      statuses.push((await api('POST', `/v1/users/${userId}/checkins`)).status);
    expect(statuses.slice(2)).toEqual([429, 429]);
    const text = await scrape();
    expect(sample(text, 'xuefen_db_pool_max')).toBe(h.kind === 'postgres' ? 20 : 1);
    expect(text).toMatch(/^xuefen_db_pool_connections\{state="used"\} \d+$/m);
    expect(text).toMatch(/^xuefen_db_pool_connections\{state="free"\} \d+$/m);
    expect(text).toMatch(/^xuefen_db_pool_connections\{state="pending"\} 0$/m);
    expect(
      sample(text, 'xuefen_db_pool_connections', { state: 'used' }) +
        sample(text, 'xuefen_db_pool_connections', { state: 'free' }),
    ).toBeGreaterThanOrEqual(1);
    expect(sample(text, 'xuefen_rate_limited_total', { limit: 'checkin_user' })).toBe(before + 2);
    expect(text).toMatch(/^process_cpu_user_seconds_total \d/m);
    expect(text).toMatch(/^nodejs_heap_size_used_bytes \d/m);
  });
});

describe('the METRICS_PORT listener', () => {
  it('serves only /metrics, open without METRICS_TOKEN and behind it with one', async () => {
    const open = metricsListenerApp(createConfig({ METRICS_PORT: '3459' }));
    expect((await open.request('/metrics')).status).toBe(200);
    expect((await open.request('/v1/users/1/balance')).status).toBe(404);
    const guarded = metricsListenerApp(
      createConfig({ METRICS_PORT: '3459', METRICS_TOKEN: TOKEN }),
    );
    expect((await guarded.request('/metrics')).status).toBe(401);
    const ok = await guarded.request('/metrics', { headers: { authorization: `Bearer ${TOKEN}` } });
    expect(ok.status).toBe(200);
    expect(await ok.text()).toContain('xuefen_http_request_duration_seconds');
  });
});
