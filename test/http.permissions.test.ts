// The permission matrix, walked: every route of the OpenAPI document (and the routes outside it)
// is called by every kind of caller, and whether the auth layer let the call through must be
// exactly what the matrix says. A route without a matrix entry fails here and is refused at run time.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN_KEY, createHarness, http, newUser, SERVICE_KEY, uniqueKey, type Harness } from './support/harness.js';

let h: Harness;
beforeAll(async () => {
  h = await createHarness();
});
afterAll(async () => {
  await h?.close();
});

describe('defects the matrix closes', () => {
  it('a service key cannot make a moderator grant (naming any moderator); nothing moves', async () => {
    const community = 'telegram:-100424242';
    const mod = await newUser(h, { channel: 'telegram' });
    const learner = await newUser(h);
    await h.services.roles.grantModerator(mod.id, community, 'test');
    const body = { moderatorUserId: mod.id, userId: learner.id, points: 200, reason: 'claimed by a backend' };
    const asService = await http(h.app, { key: SERVICE_KEY })('POST', `/v1/communities/${community}/grants`, { body, headers: { 'idempotency-key': uniqueKey() } });
    expect(asService.status).toBe(403);
    expect(asService.body.error.code).toBe('forbidden');
    expect((await h.services.account.balance(learner.id)).balance).toBe(0);
    expect(await h.services.grants.list({ community })).toEqual([]);
    // Admins still may (and the bots grant in-process, through the grants service).
    const asAdmin = await http(h.app, { key: ADMIN_KEY })('POST', `/v1/communities/${community}/grants`, { body, headers: { 'idempotency-key': uniqueKey() } });
    expect(asAdmin.status).toBe(201);
    expect((await h.services.account.balance(learner.id)).balance).toBe(200);
  });
});
