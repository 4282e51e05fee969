// End to end through a real discord.js Client against the local fake Discord: gateway handshake,
// slash commands, autocomplete, buttons, moderator grants, DMs and mentions. The assistant is
// injected (a scripted one for now); the assertions are about what the adapter sends and what
// it hands the assistant, plus the scripted ledger's effects.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApplicationCommandOptionType as Opt, GatewayIntentBits, MessageFlags } from 'discord.js';
import { pino } from 'pino';
import { createDiscordBot, type DiscordBot } from '../bots/discord/discord.bot.js';
import { registerCommands } from '../bots/discord/discord.register.js';
import { createDemoCatalogLookup } from './support/demo-catalog-lookup.js';
import { CHECKIN_POINTS, createDiscordTestAssistant, REDEEM_COST, START_BALANCE, type DiscordTestAssistant } from './support/discord-test-assistant.js';
import { startFakeDiscord, type FakeDiscord, type RecordedRequest } from './support/fake-discord/fake-discord.server.js';
import { autocomplete, buttonPress, chatInput, dmChannelId, messageCreate } from './support/fake-discord/fake-discord.payloads.js';

const DEFER_AFTER_MS = 300;
let fake: FakeDiscord;
let assistant: DiscordTestAssistant;
let bot: DiscordBot;
const latencies: { ms: number; deferred: boolean }[] = [];

beforeAll(async () => {
  fake = await startFakeDiscord({ heartbeatIntervalMs: 300 });
  assistant = createDiscordTestAssistant();
  bot = createDiscordBot({
    token: fake.token,
    assistant,
    catalog: createDemoCatalogLookup(),
    logger: pino({ level: process.env.TEST_LOG_LEVEL ?? 'silent' }),
    apiBase: fake.apiBase,
    deferAfterMs: DEFER_AFTER_MS,
  });
  await bot.start();
});

afterAll(async () => {
  await bot?.stop();
  await fake?.close();
});

const callback = (id: string) => (r: RecordedRequest) => r.path.startsWith(`/interactions/${id}/`) && r.path.endsWith('/callback');

/** Sends an interaction and resolves with its first callback, recording the latency. */
async function interact<T extends { id: string; token: string }>(payload: T): Promise<RecordedRequest> {
  const sent = performance.now();
  fake.sendInteraction(payload);
  const cb = await fake.waitFor(callback(payload.id));
  latencies.push({ ms: cb.at - sent, deferred: cb.body?.type === 5 || cb.body?.type === 6 });
  return cb;
}

const lastInbound = () => assistant.inbounds.at(-1)!;

describe('discord adapter end to end (fake Discord)', () => {
  it('connects like to Discord: GET /gateway/bot, v10 JSON uncompressed, IDENTIFY with the intents, heartbeats ACKed', async () => {
    expect(fake.requests.some((r) => r.method === 'GET' && r.path === '/gateway/bot' && r.status === 200)).toBe(true);
    expect(fake.connections[0]).toEqual({ v: '10', encoding: 'json' });
    const identify = fake.received.find((f) => f.op === 2)!;
    expect(identify.d.token).toBe(fake.token);
    expect(identify.d.compress).toBe(false);
    const intents = GatewayIntentBits.Guilds | GatewayIntentBits.GuildMessages | GatewayIntentBits.DirectMessages | GatewayIntentBits.MessageContent;
    expect(identify.d.intents).toBe(intents);
    await fake.waitForGateway((f) => f.op === 1, 3000);
    expect(bot.client.isReady()).toBe(true);
    expect(bot.client.user?.id).toBe(fake.bot.id);
    expect(bot.client.application?.id).toBe(fake.applicationId);
    expect(bot.client.guilds.cache.get(fake.guildId)?.name).toBe('学分学习群');
  });

  it('registers every command by one PUT (the deploy script path), not on start', async () => {
    expect(fake.requests.some((r) => r.path.includes('/commands'))).toBe(false);
    const { names, scope } = await registerCommands({ token: fake.token, apiBase: fake.apiBase, guildId: fake.guildId });
    expect(scope).toBe(`guild ${fake.guildId}`);
    expect(names).toHaveLength(17);
    const put = fake.requests.find((r) => r.method === 'PUT' && r.path.endsWith(`/guilds/${fake.guildId}/commands`))!;
    const redeem = put.body.find((c: { name: string }) => c.name === 'redeem');
    expect(redeem.description_localizations['zh-CN']).toBe('用积分兑换课程');
    expect(redeem.options[0]).toMatchObject({ name: 'course', autocomplete: true, required: true });
  });

  it('/balance: an ephemeral answer with the balance; the Inbound carries identity, guild and event id', async () => {
    const p = chatInput(fake, fake.alice, 'balance');
    const cb = await interact(p);
    expect(cb.body).toMatchObject({ type: 4, data: { content: `Your balance: ${START_BALANCE} points`, flags: MessageFlags.Ephemeral } });
    expect(lastInbound()).toMatchObject({
      user: { channel: 'discord', externalId: fake.alice.id, username: 'alice', displayName: 'Alice', languageCode: 'en-US' },
      command: { name: 'balance', args: {} },
      context: { community: `discord:${fake.guildId}`, isGroup: true, platformModerator: false, platformRoles: [] },
      eventId: p.id,
    });
  });

  it('/checkin: answered in time, then the ledger shows the points', async () => {
    const cb = await interact(chatInput(fake, fake.alice, 'checkin', [], { locale: 'zh-CN' }));
    expect(cb.body).toMatchObject({ type: 4, data: { content: `签到成功 +${CHECKIN_POINTS}`, flags: MessageFlags.Ephemeral } });
    expect(assistant.balanceOf(fake.alice.id)).toBe(START_BALANCE + CHECKIN_POINTS);
  });

  it('a slow answer is deferred (ephemeral for a personal command), then the original is edited', async () => {
    assistant.delays.set('history', DEFER_AFTER_MS + 200);
    const p = chatInput(fake, fake.alice, 'history');
    const cb = await interact(p);
    expect(cb.body).toEqual({ type: 5, data: { flags: MessageFlags.Ephemeral } });
    const edit = await fake.waitFor((r) => r.method === 'PATCH' && r.path === `/webhooks/${fake.applicationId}/${p.token}/messages/@original`);
    expect(edit.status).toBe(200);
    expect(edit.body.content).toBe('Hi! Try /balance or /courses.');
    assistant.delays.clear();
  });

  it('a slow public command whose answer turns out personal: placeholder deleted, ephemeral follow-up', async () => {
    assistant.delays.set('courses', DEFER_AFTER_MS + 100);
    const p = chatInput(fake, fake.alice, 'courses', [{ name: 'topic', type: Opt.String, value: 'mine' }]);
    const cb = await interact(p);
    expect(cb.body.type).toBe(5);
    expect(cb.body.data?.flags ?? 0).toBe(0); // deferred in public: /courses is not personal
    const follow = await fake.waitFor((r) => r.method === 'POST' && r.path === `/webhooks/${fake.applicationId}/${p.token}`);
    expect(follow.body).toMatchObject({ content: 'You have no courses yet.', flags: MessageFlags.Ephemeral });
    const webhookCalls = fake.requestsFor(p.token).filter((r) => r.path.startsWith('/webhooks/'));
    expect(webhookCalls.map((r) => `${r.method} ${r.status}`)).toEqual(['DELETE 204', 'POST 200']);
    assistant.delays.clear();
  });

  it('/redeem: autocomplete shows titles with slugs as values; Confirm pressed twice charges once', async () => {
    const ac = await interact(autocomplete(fake, fake.alice, 'redeem', [{ name: 'course', type: Opt.String, value: 'pyth', focused: true }], { locale: 'zh-CN' }));
    expect(ac.body.type).toBe(8);
    expect(ac.body.data.choices).toContainEqual({ name: 'Python 编程入门', value: 'python-basics' });

    const before = assistant.balanceOf(fake.alice.id);
    const cmd = chatInput(fake, fake.alice, 'redeem', [{ name: 'course', type: Opt.String, value: 'python-basics' }]);
    const cb = await interact(cmd);
    expect(lastInbound().command).toEqual({ name: 'redeem', args: { course: 'python-basics' } });
    expect(cb.body.type).toBe(4);
    expect(cb.body.data.flags).toBe(MessageFlags.Ephemeral);
    const row = cb.body.data.components[0];
    expect(row.type).toBe(1);
    expect(row.components.map((b: { label: string }) => b.label)).toEqual(['Confirm', 'Cancel']);
    const confirmId: string = row.components[0].custom_id;
    const shown = fake.originalMessage(cmd.id); // the message as the user sees it, Confirm included

    const first = await interact(buttonPress(fake, fake.alice, shown, confirmId));
    expect(first.body.type).toBe(7);
    expect(first.body.data.components).toEqual([]);
    expect(first.body.data.content).toMatch(/^Redeemed python-basics/);
    expect(lastInbound()).toMatchObject({ action: confirmId, user: { externalId: fake.alice.id } });
    expect(lastInbound().command).toBeUndefined();
    expect(assistant.balanceOf(fake.alice.id)).toBe(before - REDEEM_COST);
    expect(fake.originalMessage(cmd.id).components).toEqual([]);

    // A second press (double click, or a stale client) reaches the assistant, which refuses it.
    const second = await interact(buttonPress(fake, fake.alice, shown, confirmId));
    expect(second.body).toMatchObject({ type: 7, data: { content: 'This confirmation has expired.', components: [] } });
    expect(assistant.balanceOf(fake.alice.id)).toBe(before - REDEEM_COST);
  });

  it('/grant by a member without Manage Server: an ephemeral refusal, no points move', async () => {
    const before = assistant.balanceOf(fake.bob.id);
    const p = chatInput(
      fake,
      fake.alice,
      'grant',
      [
        { name: 'user', type: Opt.User, value: fake.bob.id },
        { name: 'amount', type: Opt.Integer, value: 50 },
        { name: 'reason', type: Opt.String, value: 'helped others' },
      ],
      {},
      [fake.bob],
    );
    const cb = await interact(p);
    expect(cb.body).toMatchObject({ type: 4, data: { content: 'Only moderators can grant points.', flags: MessageFlags.Ephemeral } });
    expect(lastInbound()).toMatchObject({
      command: { name: 'grant', args: { user: fake.bob.id, amount: 50, reason: 'helped others' } },
      context: { platformModerator: false, mentions: [{ channel: 'discord', externalId: fake.bob.id, username: 'bob' }] },
    });
    expect(assistant.balanceOf(fake.bob.id)).toBe(before);
  });

  it('/grant by a member with Manage Server: a public answer, the points arrive', async () => {
    const before = assistant.balanceOf(fake.bob.id);
    const opts = [
      { name: 'user', type: Opt.User, value: fake.bob.id },
      { name: 'amount', type: Opt.Integer, value: 50 },
      { name: 'reason', type: Opt.String, value: 'helped others' },
    ];
    const cb = await interact(chatInput(fake, fake.mod, 'grant', opts, {}, [fake.bob]));
    expect(cb.body.type).toBe(4);
    expect(cb.body.data.content).toBe('Granted 50 points to Bob.');
    expect(cb.body.data.flags ?? 0).toBe(0);
    expect(lastInbound().context).toMatchObject({ platformModerator: true, platformRoles: [fake.modRoleId] });
    expect(assistant.balanceOf(fake.bob.id)).toBe(before + 50);
  });

  it('a DM in Chinese goes through the assistant and is answered in the DM channel', async () => {
    const msg = fake.sendMessage(messageCreate(fake, fake.alice, '我现在有多少积分？', { guild: false }));
    const sent = await fake.waitFor((r) => r.method === 'POST' && r.path === `/channels/${dmChannelId(fake.alice)}/messages`);
    expect(sent.body.content).toBe(`你的积分余额：${assistant.balanceOf(fake.alice.id)}`);
    expect(sent.body.message_reference?.message_id).toBe(msg.id);
    expect(lastInbound()).toMatchObject({ text: '我现在有多少积分？', context: { isGroup: false }, eventId: msg.id });
    expect(lastInbound().context?.community).toBeUndefined();
  });

  it('a guild message mentioning the bot is answered in the channel; others are ignored', async () => {
    const count = assistant.inbounds.length;
    fake.sendMessage(messageCreate(fake, fake.alice, 'hello everyone'));
    const msg = fake.sendMessage(messageCreate(fake, fake.alice, `<@${fake.bot.id}> 你好`, { mentions: [fake.bot] }));
    const sent = await fake.waitFor((r) => r.method === 'POST' && r.path === `/channels/${fake.channelId}/messages` && r.body.message_reference?.message_id === msg.id);
    expect(sent.body.content).toBe('你好！试试 /balance 或 /courses。');
    expect(assistant.inbounds.length).toBe(count + 1);
    expect(lastInbound()).toMatchObject({ text: '你好', context: { community: `discord:${fake.guildId}`, isGroup: true } });
  });

  it('a personal answer to a guild mention goes by DM, with a 📬 on the message', async () => {
    const msg = fake.sendMessage(messageCreate(fake, fake.alice, `<@${fake.bot.id}> balance?`, { mentions: [fake.bot] }));
    const dm = await fake.waitFor((r) => r.method === 'POST' && r.path === `/channels/${dmChannelId(fake.alice)}/messages` && /^Your balance/.test(r.body.content));
    expect(dm.status).toBe(200);
    await fake.waitFor((r) => r.method === 'PUT' && r.path.startsWith(`/channels/${fake.channelId}/messages/${msg.id}/reactions/`));
    expect(fake.requests.some((r) => r.path === `/channels/${fake.channelId}/messages` && r.body?.message_reference?.message_id === msg.id)).toBe(false);
  });

  it('an assistant failure is reported once, ephemerally', async () => {
    assistant.failNext();
    const cb = await interact(chatInput(fake, fake.alice, 'balance'));
    expect(cb.body).toMatchObject({ type: 4, data: { content: 'Sorry, something went wrong. Please try again.', flags: MessageFlags.Ephemeral } });
  });

  it('measures interaction → first response latency against the fake', async () => {
    for (let i = 0; i < 200; i++) await interact(chatInput(fake, fake.alice, i % 2 ? 'balance' : 'tier'));
    const stats = (xs: number[]) => {
      const sorted = [...xs].sort((a, b) => a - b);
      const pct = (p: number) => sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!.toFixed(1);
      return `n=${sorted.length} p50 ${pct(50)} ms, p99 ${pct(99)} ms, max ${sorted.at(-1)!.toFixed(1)} ms`;
    };
    const immediate = latencies.filter((l) => !l.deferred).map((l) => l.ms);
    const deferred = latencies.filter((l) => l.deferred).map((l) => l.ms);
    console.log(`[discord e2e] INTERACTION_CREATE → first callback, answered directly: ${stats(immediate)}`);
    if (deferred.length) console.log(`[discord e2e] deferred on purpose (assistant slower than ${DEFER_AFTER_MS} ms): ${stats(deferred)}`);
  });

  it('never double-acknowledged, never answered late, no failed request', () => {
    const failed = fake.requests.filter((r) => r.status >= 400);
    expect(failed.map((r) => `${r.method} ${r.path} ${r.status}`)).toEqual([]);
  });
});
