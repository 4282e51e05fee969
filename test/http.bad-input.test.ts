// No input, however malformed, produces a 500 or changes any data.
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHarness, http, newUser, SERVICE_KEY, type Harness } from './support/harness.js';

describe('bad input on the ledger routes', () => {
  let h: Harness;
  let api: ReturnType<typeof http>;
  let userId: number;
  let holdId: number;
  let entryId: number;
  beforeAll(async () => {
    h = await createHarness();
    api = http(h.app);
    userId = (await newUser(h, { balance: 1000 })).id;
    holdId = (
      await h.services.ledger.reserve({
        key: 'bad-hold',
        userId,
        amount: 10,
        ttlSeconds: 600,
        reason: 'x',
        actor: 't',
      })
    ).holdId;
    entryId = (
      await h.services.ledger.credit({
        key: 'bad-entry',
        userId,
        amount: 10,
        reason: 'x',
        actor: 't',
      })
    ).entryId;
  });
  afterAll(async () => h?.close());

  const snapshot = async () => {
    const r = await h.services.ledgerQueries.verify();
    expect(r.violations).toEqual([]);
    return r.totals;
  };

  const idem = { 'idempotency-key': 'bad-input-key' };
  const cases: [
    string,
    string,
    string,
    { body?: unknown; rawBody?: string; headers?: Record<string, string>; key?: string | null },
    number,
  ][] = [
    [
      'grant without key',
      'POST',
      '/v1/admin/grants',
      { body: { userId: 1, amount: 1, reason: 'x' }, headers: idem, key: null },
      401,
    ],
    [
      'grant with service key',
      'POST',
      '/v1/admin/grants',
      { body: { userId: 1, amount: 1, reason: 'x' }, headers: idem, key: SERVICE_KEY },
      403,
    ],
    [
      'grant without Idempotency-Key',
      'POST',
      '/v1/admin/grants',
      { body: { userId: 1, amount: 1, reason: 'x' } },
      400,
    ],
    [
      'negative amount',
      'POST',
      '/v1/admin/grants',
      { body: { userId: 1, amount: -5, reason: 'x' }, headers: idem },
      400,
    ],
    [
      'zero amount',
      'POST',
      '/v1/admin/deductions',
      { body: { userId: 1, amount: 0, reason: 'x' }, headers: idem },
      400,
    ],
    [
      'fractional amount',
      'POST',
      '/v1/admin/grants',
      { body: { userId: 1, amount: 0.5, reason: 'x' }, headers: idem },
      400,
    ],
    [
      'huge amount',
      'POST',
      '/v1/admin/grants',
      { rawBody: '{"userId":1,"amount":1e400,"reason":"x"}', headers: idem },
      400,
    ],
    [
      'amount as string',
      'POST',
      '/v1/admin/grants',
      { body: { userId: 1, amount: '5', reason: 'x' }, headers: idem },
      400,
    ],
    [
      'missing reason',
      'POST',
      '/v1/admin/grants',
      { body: { userId: 1, amount: 5 }, headers: idem },
      400,
    ],
    [
      'blank reason',
      'POST',
      '/v1/admin/grants',
      { body: { userId: 1, amount: 5, reason: '   ' }, headers: idem },
      400,
    ],
    [
      'unknown field',
      'POST',
      '/v1/admin/grants',
      { body: { userId: 1, amount: 5, reason: 'x', extra: 1 }, headers: idem },
      400,
    ],
    [
      'unknown user',
      'POST',
      '/v1/admin/grants',
      { body: { userId: 987654321, amount: 5, reason: 'x' }, headers: idem },
      404,
    ],
    ['not JSON', 'POST', '/v1/admin/grants', { rawBody: '{"userId":', headers: idem }, 400],
    ['JSON array', 'POST', '/v1/admin/grants', { rawBody: '[1,2]', headers: idem }, 400],
    ['JSON null', 'POST', '/v1/admin/grants', { rawBody: 'null', headers: idem }, 400],
    [
      'wrong content type',
      'POST',
      '/v1/admin/grants',
      { rawBody: 'userId=1', headers: { ...idem, 'content-type': 'text/plain' } },
      415,
    ],
    [
      '1 MB body (streamed)',
      'POST',
      '/v1/admin/grants',
      { body: { userId: 1, amount: 5, reason: 'x'.repeat(1024 * 1024) }, headers: idem },
      413,
    ],
    [
      '1 MB body (declared length)',
      'POST',
      '/v1/admin/grants',
      {
        rawBody: `{"userId":1,"amount":5,"reason":"${'x'.repeat(1024 * 1024)}"}`,
        headers: { ...idem, 'content-length': String(1024 * 1024 + 40) },
      },
      413,
    ],
    [
      'idempotency key too long',
      'POST',
      '/v1/admin/grants',
      {
        body: { userId: 1, amount: 5, reason: 'x' },
        headers: { 'idempotency-key': 'k'.repeat(500) },
      },
      400,
    ],
    [
      'hold with negative ttl',
      'POST',
      '/v1/admin/holds',
      { body: { userId: 1, amount: 5, ttlSeconds: -1, reason: 'x' }, headers: idem },
      400,
    ],
    ['post more than held', 'POST', '/v1/admin/holds/HOLD/post', { body: { amount: 11 } }, 422],
    ['post negative', 'POST', '/v1/admin/holds/HOLD/post', { body: { amount: -1 } }, 400],
    ['unknown hold', 'POST', '/v1/admin/holds/99999999/void', {}, 404],
    ['hold id not a number', 'POST', '/v1/admin/holds/abc/void', {}, 400],
    ['reverse unknown entry', 'POST', '/v1/admin/entries/99999999/reverse', { headers: idem }, 404],
    ['reverse without key', 'POST', '/v1/admin/entries/ENTRY/reverse', {}, 400],
    ['user id overflow', 'GET', '/v1/users/99999999999999999999999/balance', {}, 400],
    ['user id negative', 'GET', '/v1/users/-1/entries', {}, 400],
    ['bad cursor', 'GET', '/v1/users/1/entries?cursor=xyz', {}, 400],
    ['limit too big', 'GET', '/v1/users/1/entries?limit=100000', {}, 400],
    ['bad channel', 'POST', '/v1/users', { body: { channel: 'sms', externalId: '1' } }, 400],
    ['empty externalId', 'POST', '/v1/users', { body: { channel: 'web', externalId: '' } }, 400],
    [
      'unicode user',
      'POST',
      '/v1/users',
      { body: { channel: 'web', externalId: '\u0000\uFFFF😀'.repeat(100) } },
      400,
    ],
    ['no route', 'GET', '/v1/nothing', {}, 404],
    ['wrong method on a route', 'DELETE', '/v1/admin/grants', { headers: idem }, 405],
    // Ids are JSON numbers in bodies and decimal digits in paths and queries: nothing coerced.
    [
      'userId as boolean',
      'POST',
      '/v1/admin/grants',
      { body: { userId: true, amount: 5, reason: 'x' }, headers: idem },
      400,
    ],
    [
      'userId as string',
      'POST',
      '/v1/admin/grants',
      { body: { userId: '1', amount: 5, reason: 'x' }, headers: idem },
      400,
    ],
    [
      'userId as array',
      'POST',
      '/v1/admin/holds',
      { body: { userId: [1], amount: 5, reason: 'x' }, headers: idem },
      400,
    ],
    ['hold id in hex', 'POST', '/v1/admin/holds/0xHOLD/void', {}, 400],
    [
      'entry id with spaces',
      'POST',
      '/v1/admin/entries/%20ENTRY%20/reverse',
      { headers: idem },
      400,
    ],
    ['limit with spaces', 'GET', '/v1/users/1/entries?limit=%205', {}, 400],
    ['cursor in exponent form', 'GET', '/v1/users/1/entries?cursor=1e3', {}, 400],
    ['post of nothing', 'POST', '/v1/admin/holds/HOLD/post', { body: { amount: 0 } }, 400],
    // Text PostgreSQL cannot store is refused up front, not by the database as a 500.
    [
      'NUL in a grant reason',
      'POST',
      '/v1/admin/grants',
      { body: { userId: 1, amount: 5, reason: 'a\u0000b' }, headers: idem },
      400,
    ],
    [
      'unpaired surrogate in a grant reason',
      'POST',
      '/v1/admin/grants',
      { body: { userId: 1, amount: 5, reason: 'a\ud800b' }, headers: idem },
      400,
    ],
    [
      'unpaired low surrogate in a hold reason',
      'POST',
      '/v1/admin/holds',
      { body: { userId: 1, amount: 5, reason: '\udfff' }, headers: idem },
      400,
    ],
    [
      'NUL in a reversal reason',
      'POST',
      '/v1/admin/entries/ENTRY/reverse',
      { body: { reason: '\u0000' }, headers: idem },
      400,
    ],
    [
      'NUL in an externalId',
      'POST',
      '/v1/users',
      { body: { channel: 'web', externalId: '\u0000nul' } },
      400,
    ],
    [
      'unpaired surrogate in a displayName',
      'POST',
      '/v1/users',
      { body: { channel: 'web', externalId: 'surrogate', displayName: '\ud800' } },
      400,
    ],
  ];

  it.each(cases)('%s', async (_name, method, path, opts, status) => {
    const before = await snapshot();
    const p = path
      .replace('HOLD', String(holdId))
      .replace('ENTRY', String(entryId))
      .replace('/v1/users/1/', `/v1/users/${userId}/`);
    const body =
      opts.body && typeof opts.body === 'object' && 'userId' in (opts.body as object)
        ? {
            ...(opts.body as object),
            userId:
              (opts.body as { userId: number }).userId === 1
                ? userId
                : (opts.body as { userId: number }).userId,
          }
        : opts.body;
    const res = await api(method, p, { ...opts, body });
    expect(res.status, res.text.slice(0, 300)).toBe(status);
    expect(res.body?.error).toMatchObject({
      code: expect.any(String),
      message: expect.any(String),
    });
    expect(await snapshot()).toEqual(before);
  });

  it('survives fuzzed bodies without a 500 or a change', async () => {
    // A resolved hold: even a well-formed post body must then be refused.
    const voided = (
      await h.services.ledger.reserve({
        key: 'fuzz-hold',
        userId,
        amount: 5,
        ttlSeconds: 600,
        reason: 'x',
        actor: 't',
      })
    ).holdId;
    await h.services.ledger.voidHold({ holdId: voided });
    const before = await snapshot();
    const routes = [
      '/v1/admin/grants',
      '/v1/admin/deductions',
      '/v1/admin/holds',
      `/v1/admin/holds/${voided}/post`,
      '/v1/users',
    ];
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...routes),
        fc.oneof(
          fc.jsonValue(),
          fc.record({
            userId: fc.oneof(fc.integer(), fc.double(), fc.string(), fc.constant(null)),
            amount: fc.oneof(
              fc.double(),
              fc.string(),
              fc.bigInt().map(String),
              fc.integer({ max: 0 }),
            ),
            reason: fc.oneof(fc.string(), fc.integer()),
          }),
          fc.string(),
        ),
        async (route, body) => {
          const raw = typeof body === 'string' ? body : JSON.stringify(body);
          const res = await api('POST', route, {
            rawBody: raw,
            headers: { 'idempotency-key': 'fuzz-key', 'content-type': 'application/json' },
          });
          expect(res.status).toBeGreaterThanOrEqual(400);
          expect(res.status).toBeLessThan(500);
          expect(res.body?.error?.code).toEqual(expect.any(String));
        },
      ),
      { numRuns: 150 },
    );
    expect(await snapshot()).toEqual(before);
  });

  it('takes any text in well-formed requests without a 500: stored, or refused with a 400', async () => {
    // Whole code points, lone surrogate halves and NUL included.
    const text = fc.oneof(
      fc.string({ unit: 'binary', minLength: 1 }),
      fc.constantFrom('\u0000', 'a\ud800', '\udfffb', '\ud83d\ude00'),
    );
    let run = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          text.map((reason) => ['/v1/admin/grants', { userId, amount: 1, reason }] as const),
          fc
            .tuple(text, text)
            .map(
              ([externalId, displayName]) =>
                ['/v1/users', { channel: 'web', externalId, displayName }] as const,
            ),
        ),
        async ([route, body]) => {
          const res = await api('POST', route, {
            body,
            headers: { 'idempotency-key': `text-fuzz-${++run}` },
          });
          expect([200, 201, 400], res.text.slice(0, 300)).toContain(res.status);
        },
      ),
      { numRuns: 200 },
    );
    await snapshot();
  });
});
