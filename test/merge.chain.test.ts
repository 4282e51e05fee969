// A long history of links: every merged id still names the survivor. Each merge repoints the
// users merged earlier at its survivor, and the resolver follows chains of any length (earlier
// versions stopped after 8 hops and answered 500 for the oldest ids).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { query } from '../src/db/sql.js';
import {
  createHarness,
  defaultKind,
  http,
  newUser,
  uniqueKey,
  type Harness,
} from './support/harness.js';

describe(`merge chains on ${defaultKind()}`, () => {
  let h: Harness;
  let api: ReturnType<typeof http>;
  beforeAll(async () => {
    h = await createHarness();
    api = http(h.app);
  });
  afterAll(async () => h?.close());

  it("ten links in a row: the first id reads and moves the last survivor's points", async () => {
    const users = [];
    for (let i = 0; i <= 10; i++) users.push((await newUser(h, { balance: 10 })).id);
    // users[i] enters users[i+1]'s code: users[i] is merged into users[i+1], and so on.
    for (let i = 0; i < 10; i++) {
      const code = (await api('POST', `/v1/users/${users[i + 1]}/link-code`)).body.code;
      const linked = await api('POST', `/v1/users/${users[i]}/link`, { body: { code } });
      expect(linked.status, linked.text).toBe(200);
    }
    const survivor = users[10]!;
    const first = await api('GET', `/v1/users/${users[0]}/balance`);
    expect(first.status, first.text).toBe(200);
    expect(first.body).toMatchObject({ userId: survivor, balance: 110 });
    const grant = await api('POST', '/v1/admin/grants', {
      body: { userId: users[0], amount: 5, reason: 'old id' },
      headers: { 'idempotency-key': uniqueKey('g') },
    });
    expect(grant.body).toMatchObject({ userId: survivor, balance: 115 });
    // One hop each: nothing has to walk the history.
    const hops = await query<{ n: number }>(
      h.services.em,
      `select count(*)::int as n from app_user where id = any(?::bigint[]) and merged_into_id is distinct from ?`,
      [`{${users.slice(0, 10).join(',')}}`, survivor],
    );
    expect(hops[0]!.n).toBe(0);
    expect((await h.services.ledgerQueries.verify()).violations).toEqual([]);
  });

  it('follows a chain that an earlier version left longer than 8 hops', async () => {
    const users = [];
    for (let i = 0; i <= 12; i++) users.push((await newUser(h)).id);
    // As the old code left them: each user points at the next (no accounts hold points).
    for (let i = 0; i < 12; i++)
      await query(h.services.em, `update app_user set merged_into_id = ? where id = ?`, [
        users[i + 1],
        users[i],
      ]);
    expect((await api('GET', `/v1/users/${users[0]}`)).body.id).toBe(users[12]);
  });
});
