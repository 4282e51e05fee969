// The HTTP contract end to end, on PostgreSQL and on the embedded PGlite.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ADMIN_KEY,
  createHarness,
  defaultKind,
  http,
  SERVICE_KEY,
  type Harness,
} from './support/harness.js';

const kind = defaultKind();

describe(`HTTP smoke on ${kind}`, () => {
  let h: Harness;
  let api: ReturnType<typeof http>;
  beforeAll(async () => {
    h = await createHarness();
    api = http(h.app);
  });
  afterAll(async () => h?.close());

  it('answers health, OpenAPI and docs', async () => {
    expect(await api('GET', '/healthz', { key: null })).toMatchObject({
      status: 200,
      body: { status: 'ok' },
    });
    const doc = await api('GET', '/openapi.json', { key: null });
    expect(doc.status).toBe(200);
    expect(doc.body.openapi).toBe('3.1.0');
    for (const path of [
      '/v1/users',
      '/v1/users/{id}/balance',
      '/v1/users/{id}/entries',
      '/v1/admin/grants',
      '/v1/admin/deductions',
      '/v1/admin/holds',
      '/v1/admin/holds/{id}/post',
      '/v1/admin/holds/{id}/void',
      '/v1/admin/entries/{id}/reverse',
    ]) {
      expect(doc.body.paths, path).toHaveProperty([path]);
    }
    const docs = await api('GET', '/docs', { key: null });
    expect(docs.status).toBe(200);
    expect(docs.text).toContain('SwaggerUIBundle');
  });

  it('creates users once per channel identity', async () => {
    const body = {
      channel: 'telegram',
      externalId: `tg-${kind}`,
      displayName: '小李',
      languageCode: 'zh',
    };
    const first = await api('POST', '/v1/users', { body, key: SERVICE_KEY });
    expect(first.status).toBe(201);
    expect(first.body).toMatchObject({
      id: expect.any(Number),
      displayName: '小李',
      identities: [{ channel: 'telegram', externalId: `tg-${kind}` }],
    });
    const again = await api('POST', '/v1/users', { body, key: SERVICE_KEY });
    expect(again).toMatchObject({ status: 200, body: { id: first.body.id } });
  });

  it('grants, deducts, holds, reverses and reports the balance', async () => {
    const user = (
      await api('POST', '/v1/users', {
        body: { channel: 'web', externalId: `smoke-${kind}` },
        key: SERVICE_KEY,
      })
    ).body;
    const grant = await api('POST', '/v1/admin/grants', {
      body: { userId: user.id, amount: 1000, reason: 'welcome' },
      headers: { 'idempotency-key': `g-${kind}` },
    });
    expect(grant).toMatchObject({
      status: 201,
      body: { entryId: expect.any(Number), balance: 1000 },
    });

    const deduct = await api('POST', '/v1/admin/deductions', {
      body: { userId: user.id, amount: 300, reason: 'mug' },
      headers: { 'idempotency-key': `d-${kind}` },
    });
    expect(deduct).toMatchObject({ status: 201, body: { balance: 700 } });

    const hold = await api('POST', '/v1/admin/holds', {
      body: { userId: user.id, amount: 200, ttlSeconds: 60, reason: 'quote' },
      headers: { 'idempotency-key': `h-${kind}` },
    });
    expect(hold.status).toBe(201);
    let bal = await api('GET', `/v1/users/${user.id}/balance`, { key: SERVICE_KEY });
    expect(bal.body).toMatchObject({ balance: 700, held: 200, available: 500 });
    expect(bal.body.expiring[0]).toMatchObject({ amount: 700, expiresAt: expect.any(String) });

    const post = await api('POST', `/v1/admin/holds/${hold.body.holdId}/post`, {
      body: { amount: 150 },
    });
    expect(post).toMatchObject({ status: 200, body: { postedAmount: 150 } });
    bal = await api('GET', `/v1/users/${user.id}/balance`, { key: SERVICE_KEY });
    expect(bal.body).toMatchObject({ balance: 550, held: 0, available: 550 });

    const rev = await api('POST', `/v1/admin/entries/${deduct.body.entryId}/reverse`, {
      body: { reason: 'refund' },
      headers: { 'idempotency-key': `r-${kind}` },
    });
    expect(rev).toMatchObject({ status: 201, body: { reversedEntryId: deduct.body.entryId } });
    const twice = await api('POST', `/v1/admin/entries/${deduct.body.entryId}/reverse`, {
      body: { reason: 'refund' },
      headers: { 'idempotency-key': `r2-${kind}` },
    });
    expect(twice).toMatchObject({ status: 409, body: { error: { code: 'already_reversed' } } });

    const entries = await api('GET', `/v1/users/${user.id}/entries?limit=2`, { key: SERVICE_KEY });
    expect(entries.body.items.map((e: { amount: number }) => e.amount)).toEqual([300, -150]);
    const next = await api(
      'GET',
      `/v1/users/${user.id}/entries?limit=2&cursor=${entries.body.nextCursor}`,
      { key: SERVICE_KEY },
    );
    expect(next.body.items.map((e: { amount: number }) => e.amount)).toEqual([-300, 1000]);
    expect(next.body.nextCursor).toBeNull();

    const report = await h.services.ledgerQueries.verify();
    expect(report.violations).toEqual([]);
  });

  it('keeps idempotent replays, conflicts and failures', async () => {
    const user = (
      await api('POST', '/v1/users', { body: { channel: 'web', externalId: `idem-${kind}` } })
    ).body;
    const body = { userId: user.id, amount: 50, reason: 'x' };
    const a = await api('POST', '/v1/admin/grants', {
      body,
      headers: { 'idempotency-key': `i-${kind}` },
    });
    const b = await api('POST', '/v1/admin/grants', {
      body,
      headers: { 'idempotency-key': `i-${kind}` },
    });
    expect(b.body).toMatchObject({ entryId: a.body.entryId, balance: 50, replayed: true });
    const c = await api('POST', '/v1/admin/grants', {
      body: { ...body, amount: 51 },
      headers: { 'idempotency-key': `i-${kind}` },
    });
    expect(c).toMatchObject({ status: 409, body: { error: { code: 'idempotency_conflict' } } });

    const fail = { userId: user.id, amount: 80, reason: 'too much' };
    const f1 = await api('POST', '/v1/admin/deductions', {
      body: fail,
      headers: { 'idempotency-key': `f-${kind}` },
    });
    expect(f1).toMatchObject({ status: 422, body: { error: { code: 'insufficient_points' } } });
    await api('POST', '/v1/admin/grants', {
      body: { ...body, amount: 100 },
      headers: { 'idempotency-key': `top-${kind}` },
    });
    const f2 = await api('POST', '/v1/admin/deductions', {
      body: fail,
      headers: { 'idempotency-key': `f-${kind}` },
    });
    expect(f2).toMatchObject({ status: 422, body: { error: { code: 'insufficient_points' } } });
    expect((await api('GET', `/v1/users/${user.id}/balance`)).body.balance).toBe(150);
  });

  it('checks API keys', async () => {
    expect((await api('GET', '/v1/users/1/balance', { key: null })).status).toBe(401);
    expect((await api('GET', '/v1/users/1/balance', { key: 'wrong-key-0123456789' })).status).toBe(
      401,
    );
    const forbidden = await api('POST', '/v1/admin/grants', {
      key: SERVICE_KEY,
      body: { userId: 1, amount: 1, reason: 'x' },
      headers: { 'idempotency-key': 'nope' },
    });
    expect(forbidden).toMatchObject({ status: 403, body: { error: { code: 'forbidden' } } });
    expect((await api('GET', '/v1/users/999999/balance', { key: ADMIN_KEY })).body.error.code).toBe(
      'user_not_found',
    );
  });
});
