// End to end through a real discord.js Client against the local fake Discord, with the REAL
// assistant (services from createHarness: a fresh PostgreSQL database for this file): gateway
// handshake, slash commands, autocomplete, buttons, moderator grants, DMs and mentions. The
// assertions are about what the adapter sends (in the real zh/en templates), what it hands the
// assistant, and the real ledger's effects.
//
// `assistant.handle` is wrapped by vi.spyOn: every call still goes to the real assistant; the spy
// records the Inbounds and, for the adapter-mechanics tests only, delays or fails one call.
import { afterAll, beforeAll, describe, expect, it, vi, type MockInstance } from 'vitest';
import { ApplicationCommandOptionType as Opt, GatewayIntentBits, MessageFlags } from 'discord.js';
import { pino } from 'pino';
import { createDiscordBot, type DiscordBot } from '../bots/discord/discord.bot.js';
import { createCatalogLookup } from '../bots/discord/discord.catalog.js';
import { registerCommands } from '../bots/discord/discord.register.js';
import type { Assistant, Inbound } from '../src/assistant/assistant.types.js';
import { en } from '../src/assistant/replies/replies.en.js';
import { zh } from '../src/assistant/replies/replies.zh.js';
import { createHarness, uniqueKey, type Harness } from './support/harness.js';
import {
  startFakeDiscord,
  type FakeDiscord,
  type RecordedRequest,
} from './support/fake-discord/fake-discord.server.js';
import {
  autocomplete,
  buttonPress,
  chatInput,
  dmChannelId,
  messageCreate,
  type FakeUser,
} from './support/fake-discord/fake-discord.payloads.js';

/** Generous, so that a real (database-backed) answer is never deferred by accident on a busy
 * machine; the deferral tests delay the assistant past it on purpose. */
const DEFER_AFTER_MS = 1000;
const CHECKIN_POINTS = 10; // the seeded 'checkin.daily' rule, first day
let h: Harness;
let fake: FakeDiscord;
let bot: DiscordBot;
let handle: MockInstance<Assistant['handle']>;
let realHandle: Assistant['handle'];
const latencies: { ms: number; deferred: boolean }[] = [];

beforeAll(async () => {
  h = await createHarness();
  await h.services.catalog.seedDemo();
  // The first turn loads the NLU and the catalog; do it before anything is timed.
  await h.services.assistant.handle({
    user: { channel: 'web', externalId: 'warm-up' },
    text: 'hello',
    eventId: 'warm-up',
  });
  realHandle = h.services.assistant.handle.bind(h.services.assistant);
  handle = vi.spyOn(h.services.assistant, 'handle');
  fake = await startFakeDiscord({ heartbeatIntervalMs: 300 });
  bot = createDiscordBot({
    token: fake.token,
    assistant: h.services.assistant,
    catalog: createCatalogLookup(h.services.catalog), // autocomplete over the real (seeded demo) catalog
    logger: pino({ level: process.env.TEST_LOG_LEVEL ?? 'silent' }),
    apiBase: fake.apiBase,
    deferAfterMs: DEFER_AFTER_MS,
  });
  await bot.start();
});

afterAll(async () => {
  await bot?.stop();
  await fake?.close();
  handle?.mockRestore();
  await h?.close();
});

const callback = (id: string) => (r: RecordedRequest) =>
  r.path.startsWith(`/interactions/${id}/`) && r.path.endsWith('/callback');

/** Sends an interaction and resolves with its first callback, recording the latency. */
async function interact<T extends { id: string; token: string }>(
  payload: T,
): Promise<RecordedRequest> {
  const sent = performance.now();
  fake.sendInteraction(payload);
  const cb = await fake.waitFor(callback(payload.id));
  latencies.push({ ms: cb.at - sent, deferred: cb.body?.type === 5 || cb.body?.type === 6 });
  return cb;
}

const inbounds = (): Inbound[] => handle.mock.calls.map((c) => c[0]);
const lastInbound = () => inbounds().at(-1)!;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** The xuefen user behind a Discord user (created by their first interaction). */
async function userIdOf(u: FakeUser): Promise<number | undefined> {
  return h.services.users.findByIdentity('discord', u.id);
}
async function wallet(u: FakeUser) {
  const id = await userIdOf(u);
  return id === undefined ? { balance: 0, held: 0, available: 0 } : h.services.account.balance(id);
}
async function expectLedgerSound() {
  const report = await h.services.ledgerQueries.verify();
  expect(report.violations).toEqual([]);
  expect(report.ok).toBe(true);
}

describe('discord adapter end to end (fake Discord, real assistant)', () => {
  it('connects like to Discord: GET /gateway/bot, v10 JSON uncompressed, IDENTIFY with the intents, heartbeats ACKed', async () => {
    expect(
      fake.requests.some(
        (r) => r.method === 'GET' && r.path === '/gateway/bot' && r.status === 200,
      ),
    ).toBe(true);
    expect(fake.connections[0]).toEqual({ v: '10', encoding: 'json' });
    const identify = fake.received.find((f) => f.op === 2)!;
    expect(identify.d.token).toBe(fake.token);
    expect(identify.d.compress).toBe(false);
    const intents =
      GatewayIntentBits.Guilds |
      GatewayIntentBits.GuildMessages |
      GatewayIntentBits.DirectMessages |
      GatewayIntentBits.MessageContent;
    expect(identify.d.intents).toBe(intents);
    await fake.waitForGateway((f) => f.op === 1, 3000);
    expect(bot.client.isReady()).toBe(true);
    expect(bot.client.user?.id).toBe(fake.bot.id);
    expect(bot.client.application?.id).toBe(fake.applicationId);
    expect(bot.client.guilds.cache.get(fake.guildId)?.name).toBe('学分学习群');
  });

  it('registers every command by one PUT (the deploy script path), not on start', async () => {
    expect(fake.requests.some((r) => r.path.includes('/commands'))).toBe(false);
    const { names, scope } = await registerCommands({
      token: fake.token,
      apiBase: fake.apiBase,
      guildId: fake.guildId,
    });
    expect(scope).toBe(`guild ${fake.guildId}`);
    expect(names).toHaveLength(17);
    const put = fake.requests.find(
      (r) => r.method === 'PUT' && r.path.endsWith(`/guilds/${fake.guildId}/commands`),
    )!;
    const redeem = put.body.find((c: { name: string }) => c.name === 'redeem');
    expect(redeem.description_localizations['zh-CN']).toBe('用积分兑换课程');
    expect(redeem.options[0]).toMatchObject({ name: 'course', autocomplete: true, required: true });
  });

  it('/balance: an ephemeral answer with the real balance; the Inbound carries identity, guild and event id', async () => {
    expect(await userIdOf(fake.alice)).toBeUndefined();
    const p = chatInput(fake, fake.alice, 'balance');
    const cb = await interact(p);
    expect(cb.body).toMatchObject({
      type: 4,
      data: { content: 'Your balance: 0 points, 0 available.', flags: MessageFlags.Ephemeral },
    });
    expect(lastInbound()).toMatchObject({
      user: {
        channel: 'discord',
        externalId: fake.alice.id,
        username: 'alice',
        displayName: 'Alice',
        languageCode: 'en-US',
      },
      command: { name: 'balance', args: {} },
      context: {
        community: `discord:${fake.guildId}`,
        isGroup: true,
        platformModerator: false,
        platformRoles: [],
      },
      eventId: p.id,
    });
    // The first interaction made the xuefen user behind the Discord identity.
    const alice = await userIdOf(fake.alice);
    expect(alice).toBeTypeOf('number');
    expect(await wallet(fake.alice)).toMatchObject({ balance: 0, held: 0, available: 0 });
  });

  it('/checkin: +10 points in the ledger; a second check-in the same day is refused and changes nothing', async () => {
    const cb = await interact(chatInput(fake, fake.alice, 'checkin'));
    expect(cb.body).toMatchObject({
      type: 4,
      data: {
        content: `Checked in ✅ +${CHECKIN_POINTS} points, 1-day streak. Balance: ${CHECKIN_POINTS} points.`,
        flags: MessageFlags.Ephemeral,
      },
    });
    expect((await wallet(fake.alice)).balance).toBe(CHECKIN_POINTS);

    const again = await interact(chatInput(fake, fake.alice, 'checkin'));
    expect(again.body).toMatchObject({
      type: 4,
      data: { content: en.alreadyCheckedIn(1), flags: MessageFlags.Ephemeral },
    });
    expect(again.body.data.content).toBe(
      "You've already checked in today (1-day streak). See you tomorrow!",
    );
    expect((await wallet(fake.alice)).balance).toBe(CHECKIN_POINTS);
    await expectLedgerSound();
  });

  it('a slow answer is deferred (ephemeral for a personal command), then the original is edited', async () => {
    handle.mockImplementationOnce(async (inbound) => {
      await sleep(DEFER_AFTER_MS + 200);
      return realHandle(inbound);
    });
    const p = chatInput(fake, fake.alice, 'history');
    const cb = await interact(p);
    expect(cb.body).toEqual({ type: 5, data: { flags: MessageFlags.Ephemeral } });
    const edit = await fake.waitFor(
      (r) =>
        r.method === 'PATCH' &&
        r.path === `/webhooks/${fake.applicationId}/${p.token}/messages/@original`,
    );
    expect(edit.status).toBe(200);
    expect(edit.body.content).toMatch(/^Your recent points:\n.+ {2}\+10 {2}daily check-in/);
  });

  it('a slow public command whose answer turns out personal: placeholder deleted, ephemeral follow-up', async () => {
    handle.mockImplementationOnce(async (inbound) => {
      await sleep(DEFER_AFTER_MS + 100);
      return realHandle(inbound);
    });
    // /course is public; the assistant's "not found" is personal.
    const p = chatInput(fake, fake.alice, 'course', [
      { name: 'course', type: Opt.String, value: 'no-such-course' },
    ]);
    const cb = await interact(p);
    expect(cb.body.type).toBe(5);
    expect(cb.body.data?.flags ?? 0).toBe(0); // deferred in public: /course is not personal
    const follow = await fake.waitFor(
      (r) => r.method === 'POST' && r.path === `/webhooks/${fake.applicationId}/${p.token}`,
    );
    expect(follow.body).toMatchObject({
      content: en.error('not_found'),
      flags: MessageFlags.Ephemeral,
    });
    expect(follow.body.content).toBe("I couldn't find that.");
    const webhookCalls = fake.requestsFor(p.token).filter((r) => r.path.startsWith('/webhooks/'));
    expect(webhookCalls.map((r) => `${r.method} ${r.status}`)).toEqual(['DELETE 204', 'POST 200']);
  });

  it('/redeem: autocomplete shows titles with slugs as values; the quote holds the points; Confirm pressed twice charges once', async () => {
    const ac = await interact(
      autocomplete(
        fake,
        fake.alice,
        'redeem',
        [{ name: 'course', type: Opt.String, value: 'pyth', focused: true }],
        { locale: 'zh-CN' },
      ),
    );
    expect(ac.body.type).toBe(8);
    expect(ac.body.data.choices).toContainEqual({
      name: 'Python 编程入门',
      value: 'python-basics',
    });

    const alice = (await userIdOf(fake.alice))!;
    const course = await h.services.catalog.getCourse('python-basics');
    const cost = course.pointsPrice;
    expect(cost).toBeGreaterThan(0);
    await h.services.ledger.credit({
      key: uniqueKey('seed'),
      userId: alice,
      amount: cost + 100,
      reason: 'e2e seed',
      actor: 'test',
    });
    const before = await wallet(fake.alice);
    expect(before).toMatchObject({ balance: CHECKIN_POINTS + cost + 100, held: 0 });

    const cmd = chatInput(fake, fake.alice, 'redeem', [
      { name: 'course', type: Opt.String, value: 'python-basics' },
    ]);
    const cb = await interact(cmd);
    expect(lastInbound().command).toEqual({ name: 'redeem', args: { course: 'python-basics' } });
    expect(cb.body.type).toBe(4);
    expect(cb.body.data.flags).toBe(MessageFlags.Ephemeral);
    expect(cb.body.data.content).toBe(
      en.quote({
        title: course.titleEn,
        cost,
        balanceAfter: before.balance - cost,
        available: before.available,
        discountPercent: 0,
        quantity: 1,
        expiresInMinutes: 10,
      }),
    );
    expect(cb.body.data.content).toMatch(
      /^Redeem "Python Programming for Beginners"\?\nIt costs [\d,]+ points; your balance after will be 110 points\./,
    );
    const row = cb.body.data.components[0];
    expect(row.type).toBe(1);
    expect(row.components.map((b: { label: string }) => b.label)).toEqual([
      en.buttons.confirm,
      en.buttons.cancel,
    ]);
    const confirmId: string = row.components[0].custom_id;
    expect(confirmId).toMatch(/^ok:/);
    // The quote reserved the points: still in the balance, no longer available.
    expect(await wallet(fake.alice)).toMatchObject({
      balance: before.balance,
      held: cost,
      available: before.available - cost,
    });
    const shown = fake.originalMessage(cmd.id); // the message as the user sees it, Confirm included

    const first = await interact(buttonPress(fake, fake.alice, shown, confirmId));
    expect(first.body.type).toBe(7);
    expect(first.body.data.components).toEqual([]);
    expect(first.body.data.content).toMatch(
      new RegExp(
        `^Done 🎉 "Python Programming for Beginners" is yours for ${en.num(cost)} points\\. Balance: 110 points\\. Order #\\d+\\.$`,
      ),
    );
    expect(lastInbound()).toMatchObject({ action: confirmId, user: { externalId: fake.alice.id } });
    expect(lastInbound().command).toBeUndefined();
    const after = await wallet(fake.alice);
    expect(after).toMatchObject({
      balance: before.balance - cost,
      held: 0,
      available: before.available - cost,
    });
    expect((await h.services.orders.enrollments(alice)).map((e) => e.slug)).toEqual([
      'python-basics',
    ]);
    expect(fake.originalMessage(cmd.id).components).toEqual([]);

    // A second press (double click, or a stale client) reaches the assistant, which answers with
    // the same outcome and acts no more.
    const second = await interact(buttonPress(fake, fake.alice, shown, confirmId));
    expect(second.body).toMatchObject({
      type: 7,
      data: { content: first.body.data.content, components: [] },
    });
    expect(await wallet(fake.alice)).toMatchObject({
      balance: after.balance,
      held: 0,
      available: after.available,
    });
    expect((await h.services.orders.enrollments(alice)).map((e) => e.slug)).toEqual([
      'python-basics',
    ]);
    expect((await h.services.orders.listOrders(alice)).items).toHaveLength(1);
    await expectLedgerSound();
  });

  const grantOptions = (amount: number) => [
    { name: 'user', type: Opt.User, value: fake.bob.id },
    { name: 'amount', type: Opt.Integer, value: amount },
    { name: 'reason', type: Opt.String, value: 'helped others' },
  ];

  it('/grant by a member without Manage Server: an ephemeral refusal, no points move', async () => {
    const before = await wallet(fake.bob);
    const p = chatInput(fake, fake.alice, 'grant', grantOptions(50), {}, [fake.bob]);
    const cb = await interact(p);
    expect(cb.body).toMatchObject({
      type: 4,
      data: {
        content: 'Only chat admins and moderators can grant points.',
        flags: MessageFlags.Ephemeral,
      },
    });
    expect(lastInbound()).toMatchObject({
      command: { name: 'grant', args: { user: fake.bob.id, amount: 50, reason: 'helped others' } },
      context: {
        platformModerator: false,
        mentions: [{ channel: 'discord', externalId: fake.bob.id, username: 'bob' }],
      },
    });
    expect(await wallet(fake.bob)).toEqual(before);
    expect(await h.services.grants.list({ community: `discord:${fake.guildId}` })).toEqual([]);
  });

  it('/grant by a member with Manage Server: a public answer, the points arrive through the grants service', async () => {
    const before = await wallet(fake.bob);
    const cb = await interact(chatInput(fake, fake.mod, 'grant', grantOptions(50), {}, [fake.bob]));
    expect(cb.body.type).toBe(4);
    expect(cb.body.data.content).toBe(
      `Granted 50 points to Bob (helped others). Their balance: ${before.balance + 50} points.`,
    );
    expect(cb.body.data.flags ?? 0).toBe(0);
    expect(lastInbound().context).toMatchObject({
      platformModerator: true,
      platformRoles: [fake.modRoleId],
    });
    const bob = (await userIdOf(fake.bob))!;
    const mod = (await userIdOf(fake.mod))!;
    expect((await h.services.account.balance(bob)).balance).toBe(before.balance + 50);
    const grants = await h.services.grants.list({ community: `discord:${fake.guildId}` });
    expect(grants).toHaveLength(1);
    expect(grants[0]).toMatchObject({
      moderatorUserId: mod,
      userId: bob,
      points: 50,
      reason: 'helped others',
      undone: false,
    });
    await expectLedgerSound();
  });

  it('/grant over the per-grant cap (500) is refused by the grants service; nothing moves', async () => {
    const before = await wallet(fake.bob);
    const cb = await interact(
      chatInput(fake, fake.mod, 'grant', grantOptions(501), {}, [fake.bob]),
    );
    expect(cb.body).toMatchObject({
      type: 4,
      data: { content: 'A grant can be at most 500 points.', flags: MessageFlags.Ephemeral },
    });
    expect(await wallet(fake.bob)).toEqual(before);
    expect(await h.services.grants.list({ community: `discord:${fake.guildId}` })).toHaveLength(1);
  });

  it('a DM in Chinese goes through the assistant and is answered in Chinese in the DM channel', async () => {
    const msg = fake.sendMessage(
      messageCreate(fake, fake.alice, '我现在有多少积分？', { guild: false }),
    );
    const sent = await fake.waitFor(
      (r) => r.method === 'POST' && r.path === `/channels/${dmChannelId(fake.alice)}/messages`,
    );
    const w = await wallet(fake.alice);
    expect(sent.body.content).toBe(zh.balance({ ...w, pending: 0, expiring: [] }));
    expect(sent.body.content).toMatch(/^你的积分余额：[\d,]+ 分，可用 [\d,]+ 分。$/);
    expect(sent.body.message_reference?.message_id).toBe(msg.id);
    expect(lastInbound()).toMatchObject({
      text: '我现在有多少积分？',
      context: { isGroup: false },
      eventId: msg.id,
    });
    expect(lastInbound().context?.community).toBeUndefined();
  });

  it('a guild message mentioning the bot is answered in the channel; others are ignored', async () => {
    const count = inbounds().length;
    fake.sendMessage(messageCreate(fake, fake.alice, 'hello everyone'));
    const msg = fake.sendMessage(
      messageCreate(fake, fake.alice, `<@${fake.bot.id}> 你好`, { mentions: [fake.bot] }),
    );
    const sent = await fake.waitFor(
      (r) =>
        r.method === 'POST' &&
        r.path === `/channels/${fake.channelId}/messages` &&
        r.body.message_reference?.message_id === msg.id,
    );
    expect(sent.body.content).toBe(zh.greeting('Alice'));
    expect(sent.body.components[0].components.map((b: { label: string }) => b.label)).toEqual([
      '查积分',
      '签到',
      '看课程',
      '积分商城',
    ]);
    expect(inbounds().length).toBe(count + 1);
    expect(lastInbound()).toMatchObject({
      text: '你好',
      context: { community: `discord:${fake.guildId}`, isGroup: true },
    });
  });

  it('a personal answer to a guild mention goes by DM, with a 📬 on the message', async () => {
    const msg = fake.sendMessage(
      messageCreate(fake, fake.alice, `<@${fake.bot.id}> 我的积分`, { mentions: [fake.bot] }),
    );
    const dm = await fake.waitFor(
      (r) =>
        r.method === 'POST' &&
        r.path === `/channels/${dmChannelId(fake.alice)}/messages` &&
        r.body.message_reference === undefined &&
        /^你的积分余额/.test(r.body.content),
    );
    expect(dm.status).toBe(200);
    await fake.waitFor(
      (r) =>
        r.method === 'PUT' &&
        r.path.startsWith(`/channels/${fake.channelId}/messages/${msg.id}/reactions/`),
    );
    expect(
      fake.requests.some(
        (r) =>
          r.path === `/channels/${fake.channelId}/messages` &&
          r.body?.message_reference?.message_id === msg.id,
      ),
    ).toBe(false);
  });

  it('an assistant failure is reported once, ephemerally', async () => {
    handle.mockRejectedValueOnce(new Error('injected failure'));
    const cb = await interact(chatInput(fake, fake.alice, 'balance'));
    expect(cb.body).toMatchObject({
      type: 4,
      data: {
        content: 'Sorry, something went wrong. Please try again.',
        flags: MessageFlags.Ephemeral,
      },
    });
  });

  it('measures interaction → first response latency against the fake', async () => {
    for (let i = 0; i < 200; i++)
      await interact(chatInput(fake, fake.alice, i % 2 ? 'balance' : 'tier'));
    const stats = (xs: number[]) => {
      const sorted = [...xs].sort((a, b) => a - b);
      const pct = (p: number) =>
        sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!.toFixed(1);
      return `n=${sorted.length} p50 ${pct(50)} ms, p99 ${pct(99)} ms, max ${sorted.at(-1)!.toFixed(1)} ms`;
    };
    const immediate = latencies.filter((l) => !l.deferred).map((l) => l.ms);
    const deferred = latencies.filter((l) => l.deferred).map((l) => l.ms);
    console.log(
      `[discord e2e] INTERACTION_CREATE → first callback (real assistant, ${h.kind}), answered directly: ${stats(immediate)}`,
    );
    if (deferred.length)
      console.log(
        `[discord e2e] deferred (assistant slower than ${DEFER_AFTER_MS} ms): ${stats(deferred)}`,
      );
  });

  it('never double-acknowledged, never answered late, no failed request; the ledger is sound', async () => {
    const failed = fake.requests.filter((r) => r.status >= 400);
    expect(failed.map((r) => `${r.method} ${r.path} ${r.status}`)).toEqual([]);
    await expectLedgerSound();
  });
});
