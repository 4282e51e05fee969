// An unexpected failure answers 500 in the usual error shape, with the id its log lines carry.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHarness, ADMIN_KEY, type Harness } from './support/harness.js';

describe('internal errors', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await createHarness();
  });
  afterAll(async () => h?.close());

  it('answers 500 with a request id, and other answers carry none', async () => {
    const request = () =>
      h.app.request('/v1/admin/grants', {
        method: 'POST',
        headers: {
          authorization: `Bearer ${ADMIN_KEY}`,
          'content-type': 'application/json',
          'idempotency-key': 'boom-1',
        },
        body: JSON.stringify({ userId: 1, amount: 5, reason: 'x' }),
      });
    const ok = await h.app.request('/healthz');
    expect(ok.status).toBe(200);
    expect(ok.headers.get('x-request-id')).toBeNull();

    const credit = h.services.ledger.credit;
    h.services.ledger.credit = async () => {
      throw new Error('the database went away');
    };
    try {
      const res = await request();
      expect(res.status).toBe(500);
      expect(res.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
      expect(await res.json()).toEqual({
        error: { code: 'internal', message: 'internal error', details: null },
      });
    } finally {
      h.services.ledger.credit = credit;
    }
  });
});
