// Moderator commands through the assistant: who may grant (platform admin, an API moderator,
// or a platform role configured over the API), caps, and undo of one's own last grant.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHarness, http, type Harness } from './support/harness.js';
import type { Inbound } from '../src/assistant/assistant.types.js';

describe('moderation through the assistant', () => {
  let h: Harness;
  let seq = 0;
  const community = 'discord:9001';
  beforeAll(async () => {
    h = await createHarness();
    await h.services.catalog.seedDemo();
  });
  afterAll(async () => h?.close());

  const say = (
    from: string,
    command: Inbound['command'],
    extra: Partial<NonNullable<Inbound['context']>> = {},
  ) =>
    h.services.assistant.handle({
      user: { channel: 'discord', externalId: from, displayName: from, languageCode: 'en' },
      command,
      context: {
        community,
        isGroup: true,
        mentions: [{ channel: 'discord', externalId: 'target', displayName: 'Target' }],
        ...extra,
      },
      eventId: `mod-${++seq}`,
    });
  const balanceOf = async (externalId: string) => {
    const id = await h.services.users.findByIdentity('discord', externalId);
    return id ? (await h.services.account.balance(id)).balance : 0;
  };

  it('refuses members without a moderator right and moves nothing', async () => {
    const r = await say(
      'member',
      { name: 'grant', args: { amount: 50, reason: 'helped' } },
      { platformRoles: ['role-helper'] },
    );
    expect(r.replies[0]!.text).toMatch(/Only chat admins and moderators/);
    expect(await balanceOf('target')).toBe(0);
  });

  it('lets holders of a configured platform role grant, within the caps, and undo', async () => {
    const put = await http(h.app)('PUT', `/v1/admin/communities/${community}/moderator-roles`, {
      body: { roleIds: ['role-helper'] },
    });
    expect(put).toMatchObject({ status: 200, body: { roleIds: ['role-helper'] } });
    const ok = await say(
      'member',
      { name: 'grant', args: { amount: 50, reason: 'helped' } },
      { platformRoles: ['role-helper'] },
    );
    expect(ok.replies[0]!.text).toMatch(/Granted 50 points to Target/);
    expect(await balanceOf('target')).toBe(50);

    const tooMuch = await say(
      'member',
      { name: 'grant', args: { amount: 501, reason: 'too much' } },
      { platformRoles: ['role-helper'] },
    );
    expect(tooMuch.replies[0]!.text).toMatch(/at most 500/);
    expect(await balanceOf('target')).toBe(50);

    const undone = await say('member', { name: 'undo' }, { platformRoles: ['role-helper'] });
    expect(undone.replies[0]!.text).toMatch(/Reversed the grant of 50 points/);
    expect(await balanceOf('target')).toBe(0);
    expect((await h.services.ledgerQueries.verify()).violations).toEqual([]);
  });

  it('is idempotent per platform event', async () => {
    const inbound: Inbound = {
      user: { channel: 'discord', externalId: 'admin', displayName: 'Admin', languageCode: 'en' },
      command: { name: 'grant', args: { amount: 20, reason: 'twice delivered' } },
      context: {
        community,
        isGroup: true,
        platformModerator: true,
        mentions: [{ channel: 'discord', externalId: 'target2', displayName: 'Target2' }],
      },
      eventId: 'same-interaction',
    };
    await h.services.assistant.handle(inbound);
    await h.services.assistant.handle(inbound);
    expect(await balanceOf('target2')).toBe(20);
  });
});
