// Values travel as bound parameters on both databases: text that means something to SQL (a `;`,
// quotes, `?`, `$1`, comments) is stored and read back exactly, whichever way a query is made
// (raw helper, entity manager, the ledger's functions), and never changes how a statement runs.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { query, queryOne } from '../src/db/sql.js';
import {
  createHarness,
  defaultKind,
  http,
  newUser,
  uniqueKey,
  type Harness,
} from './support/harness.js';

const NASTY = [
  ';',
  'bonus; thanks',
  "O'Brien; --",
  '"quoted"',
  'back\\slash \\\\',
  '$1',
  '$1; drop table ledger_entry',
  '?',
  '??',
  'a ? b ?? c',
  '-- comment',
  '/* open',
  '/* x */ ;',
  '%_%',
  '转人工; 谢谢',
  '🎉👍🏽👩‍👩‍👧',
  'مرحبا\u202e; x',
  `${'long; '.repeat(1500)}end`,
];

describe(`bound parameters on ${defaultKind()}`, () => {
  let h: Harness;
  beforeAll(async () => {
    h = await createHarness();
  });
  afterAll(async () => h?.close());

  it('round-trips SQL-meaningful text through the raw query helper', async () => {
    for (const v of NASTY) {
      const row = await queryOne<{ v: string; n: number }>(
        h.services.em,
        `select ?::text as v, ?::int as n`,
        [v, 7],
      );
      expect(row, v.slice(0, 40)).toEqual({ v, n: 7 });
    }
  });

  it('binds dates as instants, objects as JSON and arrays as arrays', async () => {
    const at = new Date('2026-03-04T05:06:07.089Z');
    const row = await queryOne<{ t: string; j: { a: string }; total: number }>(
      h.services.em,
      `select to_char(?::timestamptz at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS') as t, ?::jsonb as j, (select sum(x)::int from unnest(?::int[]) x) as total`,
      [at, { a: 'x; y' }, [1, 2, 3]],
    );
    expect(row).toEqual({ t: '2026-03-04T05:06:07.089', j: { a: 'x; y' }, total: 6 });
  });

  it('runs a statement whose own text holds a `;` in the same shape as any other', async () => {
    expect(await query(h.services.em, `select 'a;b' as v`)).toEqual([{ v: 'a;b' }]);
    expect(await query(h.services.em, `select 'a;b' as v, ?::int as n`, [1])).toEqual([
      { v: 'a;b', n: 1 },
    ]);
  });

  it('stores a channel identity with a `;` through the entity manager and finds it again', async () => {
    const first = await h.services.users.upsert({
      channel: 'web',
      externalId: 'bob;x',
      displayName: "Bob; O'Brien",
    });
    const again = await h.services.users.upsert({ channel: 'web', externalId: 'bob;x' });
    expect(first.created).toBe(true);
    expect(again).toMatchObject({ created: false, user: { id: first.user.id } });
  });

  it('a grant whose reason holds a `;` answers once, replays its key, and credits once (the issue 17 reproduction)', async () => {
    const api = http(h.app);
    const user = await newUser(h, { balance: 500 });
    const key = uniqueKey('semi;colon');
    const send = () =>
      api('POST', '/v1/admin/grants', {
        body: { userId: user.id, amount: 5, reason: 'bonus; thanks' },
        headers: { 'idempotency-key': key },
      });
    const first = await send();
    expect(first).toMatchObject({ status: 201, body: { balance: 505, replayed: false } });
    expect(await send()).toMatchObject({
      status: 201,
      body: { entryId: first.body.entryId, balance: 505, replayed: true },
    });
    const entries = await api('GET', `/v1/users/${user.id}/entries`);
    expect(
      entries.body.items.filter((e: { reason: string }) => e.reason === 'bonus; thanks'),
    ).toHaveLength(1);
  });

  it('opens a support ticket from chat text with a `;` and answers normally', async () => {
    const res = await http(h.app)('POST', '/v1/chat', {
      body: { user: { channel: 'telegram', externalId: uniqueKey('t') }, text: '转人工; 谢谢' },
    });
    expect(res.status).toBe(200);
    expect(res.body.intent).toBe('human_agent');
    expect(JSON.stringify(res.body.replies)).not.toMatch(/internal|出错/);
  });
});
