// End to end: the real bot (createTelegramBot + startTelegram in polling mode, runner,
// throttler, auto-retry) against the telegram-test-api emulator over HTTP, driven by emulated
// users, talking to the REAL assistant (services.assistant) over a fresh database. Replies are
// checked against the assistant's zh/en templates, and effects against the ledger itself.
// A thin recorder around the assistant keeps the adapter assertions (Inbound shape, event ids).
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTelegramBot, startTelegram, type TelegramRuntime } from '../bots/telegram/index.js';
import type { Assistant, AssistantResult, Inbound } from '../src/assistant/assistant.types.js';
import { zh } from '../src/assistant/replies/replies.zh.js';
import { en } from '../src/assistant/replies/replies.en.js';
import { courseLine } from '../src/assistant/dialog/catalog.handlers.js';
import { createHarness, uniqueKey, type Harness } from './support/harness.js';
import {
  startEmulator,
  type Emulator,
  type StoredBotMessage,
} from './support/telegram-emulator.js';
import type { Json } from './support/json.js';
import type {
  CallbackQueryRequest,
  CommandRequest,
  MessageRequest,
} from 'telegram-test-api/lib/modules/telegramClient.js';

const TOKEN = '123456:E2E-test-token';
const GROUP = -1001234;
const COMMUNITY = `telegram:${GROUP}`;
const BOT_USERNAME = 'TestNameBot'; // what the emulator's getMe answers
// Alice's app sends no language code: the assistant answers a Chinese-first audience in zh.
// Bob's app is in English.
const ALICE = { userId: 201, chatId: 201, firstName: 'Alice', userName: 'alice' };
const BOB = { userId: 202, chatId: 202, firstName: 'Bob', userName: 'bob' };
const MOD = {
  userId: 301,
  chatId: GROUP,
  firstName: 'Mod',
  userName: 'mod',
  type: 'supergroup' as const,
  chatTitle: 'Study group',
};
const BOB_IN_GROUP = {
  ...BOB,
  chatId: GROUP,
  type: 'supergroup' as const,
  chatTitle: 'Study group',
};
const PYTHON = { slug: 'python-basics', titleZh: 'Python 编程入门', points: 19_900 };

let h: Harness;
let emu: Emulator;
let assistant: RecordingAssistant;
let runtime: TelegramRuntime;
// Round-trip times by phase: the conversation, then a dedicated latency run.
const latencies: Record<string, number[]> = { conversation: [] };
let phase = 'conversation';

interface RecordingAssistant extends Assistant {
  inbounds: Inbound[];
  results: AssistantResult[];
}

/** The real assistant, with every Inbound and result kept for the adapter's assertions. */
function recording(real: Assistant): RecordingAssistant {
  const inbounds: Inbound[] = [];
  const results: AssistantResult[] = [];
  return {
    inbounds,
    results,
    async handle(inbound) {
      inbounds.push(inbound);
      const result = await real.handle(inbound);
      results.push(result);
      return result;
    },
  };
}

type Client = ReturnType<Emulator['client']>;

/** An emulated user; `languageCode` is what their Telegram app would send in `from`. */
function client(opts: Parameters<Emulator['client']>[1], languageCode?: string): Client {
  const c = emu.client(TOKEN, opts);
  if (languageCode) {
    for (const m of ['makeMessage', 'makeCommand', 'makeCallbackQuery'] as const) {
      const target = c as unknown as Record<typeof m, (...a: unknown[]) => { from?: object }>;
      const make = target[m].bind(c);
      target[m] = (...args: unknown[]) => {
        const update = make(...args);
        return { ...update, from: { ...update.from, language_code: languageCode } };
      };
    }
  }
  return c;
}

const keyboardOf = (m: StoredBotMessage) => m.message.reply_markup?.inline_keyboard ?? [];
const callbackIds = (m: StoredBotMessage) =>
  keyboardOf(m)
    .flat()
    .map((b: Json) => b.callback_data);
const messageById = (chatId: number, messageId: number) =>
  emu.botMessages(chatId).find((m) => m.messageId === messageId)!;

/** Sends text (a command when it starts with "/") and returns the bot's next message to `chatId`. */
async function say(c: Client, chatId: number, text: string, extra: Record<string, unknown> = {}) {
  const before = emu.botMessages(chatId).length;
  const started = performance.now();
  if (text.startsWith('/'))
    await c.sendCommand({ ...c.makeCommand(text), ...extra } as CommandRequest);
  else await c.sendMessage({ ...c.makeMessage(text), ...extra } as MessageRequest);
  const reply = await emu.nextBotMessage(chatId, before);
  (latencies[phase] ??= []).push(performance.now() - started);
  return reply;
}

/** Taps a callback button of a bot message; resolves once Telegram has been answered. */
async function tap(c: Client, chatId: number, m: StoredBotMessage, data: string) {
  const answered = emu.callsOf('answerCallbackQuery').length;
  await c.sendCallback(
    c.makeCallbackQuery(data, {
      message: { message_id: m.messageId, chat: { id: chatId } },
    }) as CallbackQueryRequest,
  );
  await emu.waitForCalls('answerCallbackQuery', answered + 1);
  return emu.callsOf('answerCallbackQuery').at(-1)!;
}

async function userIdOf(telegramUserId: number): Promise<number> {
  const id = await h.services.users.findByIdentity('telegram', String(telegramUserId));
  if (id === undefined)
    throw new Error(`telegram user ${telegramUserId} has not talked to the bot`);
  return id;
}

const balanceOf = async (telegramUserId: number) =>
  h.services.account.balance(await userIdOf(telegramUserId));

async function expectLedgerConsistent() {
  const report = await h.services.ledgerQueries.verify();
  expect(report.violations).toEqual([]);
  expect(report.ok).toBe(true);
}

beforeAll(async () => {
  h = await createHarness();
  await h.services.catalog.seedDemo();
  emu = await startEmulator();
  emu.admins.set(GROUP, new Set([MOD.userId]));
  assistant = recording(h.services.assistant);
  const logger = pino({ level: process.env.E2E_LOG_LEVEL ?? 'silent' });
  const bot = createTelegramBot({
    token: TOKEN,
    assistant,
    logger,
    apiRoot: emu.apiRoot,
    // The throttler stays in the chain, with limits that do not pace a test conversation.
    throttle: {
      global: { maxConcurrent: 100 },
      group: { maxConcurrent: 1 },
      out: { maxConcurrent: 1 },
    },
    rateLimit: { timeFrameMs: 1000, limit: 100 },
  });
  runtime = await startTelegram({ bot, logger, mode: 'polling' });
});

afterAll(async () => {
  await runtime?.stop();
  await emu?.stop();
  await h?.close();
  const pct = (sorted: number[], p: number) =>
    sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)].toFixed(1);
  for (const [name, values] of Object.entries(latencies)) {
    if (!values.length) continue;
    const sorted = [...values].sort((a, b) => a - b);
    console.log(
      `[telegram e2e, real assistant on ${h?.kind}] update → reply latency, ${name}: n=${sorted.length} p50 ${pct(sorted, 50)} ms, p99 ${pct(sorted, 99)} ms, max ${sorted.at(-1)!.toFixed(1)} ms`,
    );
  }
});

describe('telegram bot + real assistant against the telegram-test-api emulator (polling)', () => {
  it('registers the command menus in zh and en on start', () => {
    const menus = emu
      .callsOf('setMyCommands')
      .map((c) => `${c.payload.scope.type}/${c.payload.language_code ?? 'default'}`);
    expect(menus.sort()).toEqual([
      'all_group_chats/default',
      'all_group_chats/zh',
      'all_private_chats/default',
      'all_private_chats/zh',
    ]);
    expect(emu.callsOf('deleteWebhook')).toHaveLength(1);
  });

  it('/start with and without a referral: the inviter earns referral.joined when the invitee first shows up', async () => {
    const alice = client(ALICE);
    const bob = client(BOB, 'en');
    const welcome = await say(alice, ALICE.chatId, '/start');
    expect(welcome.message.text).toBe(zh.greeting('Alice'));
    expect(keyboardOf(welcome)).toEqual([
      [
        { text: '查积分', callback_data: 'in:balance' },
        { text: '签到', callback_data: 'in:checkin' },
        { text: '看课程', callback_data: 'cl:*:1' },
      ],
      [{ text: '积分商城', callback_data: 'in:browse_mall' }],
    ]);
    const aliceId = await userIdOf(ALICE.userId);
    expect((await h.services.account.balance(aliceId)).balance).toBe(0);

    const { code } = await h.services.referrals.info(aliceId);
    const reply = await say(bob, BOB.chatId, `/start ref_${code}`);
    expect(reply.message.text).toBe(en.greeting('Bob'));
    expect(assistant.inbounds.at(-1)).toMatchObject({
      user: {
        channel: 'telegram',
        externalId: String(BOB.userId),
        username: 'bob',
        displayName: 'Bob',
        languageCode: 'en',
      },
      command: { name: 'start', args: { ref: code } },
      context: { isGroup: false },
    });
    const bobId = await userIdOf(BOB.userId);
    expect((await h.services.referrals.info(bobId)).referredBy).toBe(aliceId);
    // referral.joined: 500, straight to the wallet (no pending period), once.
    expect(await h.services.account.balance(aliceId)).toMatchObject({
      balance: 500,
      available: 500,
      pending: 0,
    });
    expect(await h.services.referrals.info(aliceId)).toMatchObject({
      invited: 1,
      rewarded: 1,
      pointsEarned: 500,
    });

    // The deep link again (a second tap on the invite link) neither re-binds nor pays again.
    expect((await say(bob, BOB.chatId, `/start ref_${code}`)).message.text).toBe(
      en.greeting('Bob'),
    );
    expect((await h.services.account.balance(aliceId)).balance).toBe(500);
    expect((await h.services.account.balance(bobId)).balance).toBe(0);
    await expectLedgerConsistent();
  });

  it('balance, and check-in twice in a day', async () => {
    const alice = client(ALICE);
    expect((await say(alice, ALICE.chatId, '/balance')).message.text).toBe(
      zh.balance({ balance: 500, available: 500, held: 0, pending: 0, expiring: [] }),
    );
    expect((await say(alice, ALICE.chatId, '/checkin')).message.text).toBe(
      zh.checkedIn({ points: 10, streak: 1, balance: 510 }),
    );
    expect((await say(alice, ALICE.chatId, '/checkin')).message.text).toBe(zh.alreadyCheckedIn(1));
    expect((await balanceOf(ALICE.userId)).balance).toBe(510);
    const history = await h.services.account.history(await userIdOf(ALICE.userId), { limit: 10 });
    expect(history.items.filter((e) => e.kind === 'earn.checkin').map((e) => e.amount)).toEqual([
      10,
    ]);
    await expectLedgerConsistent();
  });

  it('browses courses with paging buttons, editing the list in place', async () => {
    const alice = client(ALICE);
    const courses = await h.services.catalog.listCourses();
    const page = (p: number) =>
      zh.courseList({
        courses: courses.slice((p - 1) * 5, p * 5).map((c) => courseLine(c, zh)),
        page: p,
        pages: 3,
      });
    expect(courses.length).toBeGreaterThan(10);

    const list = await say(alice, ALICE.chatId, '/courses');
    expect(list.message.text.startsWith(page(1))).toBe(true);
    expect(keyboardOf(list)[0]).toEqual([
      { text: '1. 详情', callback_data: `cd:${courses[0].slug}` },
    ]);
    expect(keyboardOf(list).at(-1)).toEqual([{ text: '下一页 ›', callback_data: 'cl:*:2' }]);
    const sentBefore = emu.botMessages(ALICE.chatId).length;
    const edits = emu.callsOf('editMessageText').length;

    await tap(alice, ALICE.chatId, list, 'cl:*:2');
    await emu.waitForCalls('editMessageText', edits + 1);
    const page2 = messageById(ALICE.chatId, list.messageId);
    expect(page2.message.text.startsWith(page(2))).toBe(true);
    expect(keyboardOf(page2)[0]).toEqual([
      { text: '1. 详情', callback_data: `cd:${courses[5].slug}` },
    ]);
    expect(
      keyboardOf(page2)
        .at(-1)!
        .map((b: Json) => b.callback_data),
    ).toEqual(['cl:*:1', 'cl:*:3']);

    await tap(alice, ALICE.chatId, list, 'cl:*:3');
    await emu.waitForCalls('editMessageText', edits + 2);
    const page3 = messageById(ALICE.chatId, list.messageId);
    expect(page3.message.text.startsWith(page(3))).toBe(true);
    expect(keyboardOf(page3).at(-1)).toEqual([{ text: '‹ 上一页', callback_data: 'cl:*:2' }]);
    // Paging edits; it never sends a new message.
    expect(emu.botMessages(ALICE.chatId)).toHaveLength(sentBefore);
  });

  it('moderator /grant in a group: an admin is obeyed (by @mention and by reply), a non-admin refused, chatter ignored', async () => {
    const mod = client(MOD);
    const bob = client(BOB_IN_GROUP, 'en');
    const aliceBefore = (await balanceOf(ALICE.userId)).balance;

    // @alice is known by username: she has talked to the bot, and identities keep usernames.
    const text = '/grant @alice 100 great answer';
    const granted = await say(mod, GROUP, text, {
      entities: [
        { type: 'bot_command', offset: 0, length: 6 },
        { type: 'mention', offset: 7, length: 6 },
      ],
    });
    expect(granted.message.text).toBe(
      en.granted({
        amount: 100,
        user: '@alice',
        reason: 'great answer',
        balance: aliceBefore + 100,
      }),
    );
    expect(granted.message.reply_parameters).toMatchObject({ allow_sending_without_reply: true });
    expect(assistant.inbounds.at(-1)).toMatchObject({
      command: { name: 'grant', args: { amount: 100, reason: 'great answer' } },
      context: {
        community: COMMUNITY,
        isGroup: true,
        platformModerator: true,
        mentions: [{ username: 'alice', usernameOnly: true }],
      },
    });
    expect((await balanceOf(ALICE.userId)).balance).toBe(aliceBefore + 100);

    // By reply: the replied-to author is the target, with their Telegram id.
    const bobMessage = {
      message_id: 7,
      from: { id: BOB.userId, is_bot: false, first_name: 'Bob', username: 'bob' },
      chat: { id: GROUP, type: 'supergroup' },
      date: 1,
      text: 'my notes',
    };
    const byReply = await say(mod, GROUP, '/grant 50 helpful notes', {
      reply_to_message: bobMessage,
    });
    expect(byReply.message.text).toBe(
      en.granted({ amount: 50, user: 'Bob', reason: 'helpful notes', balance: 50 }),
    );
    expect((await balanceOf(BOB.userId)).balance).toBe(50);
    const grants = await h.services.grants.list({ community: COMMUNITY });
    expect(grants.map((g) => [g.points, g.reason])).toEqual([
      [50, 'helpful notes'],
      [100, 'great answer'],
    ]);

    const inboundsBefore = assistant.inbounds.length;
    await bob.sendMessage(bob.makeMessage('lunch anyone?') as MessageRequest); // chatter: not for the bot
    const modMessage = {
      message_id: 1,
      from: { id: MOD.userId, is_bot: false, first_name: 'Mod' },
      chat: { id: GROUP, type: 'supergroup' },
      date: 1,
      text: 'hi',
    };
    const bobPrivateBefore = emu.botMessages(BOB.chatId).length;
    // The refusal is personal: it goes to Bob's private chat; the group gets a one-line note.
    const note = await say(bob, GROUP, '/grant 10 me too', { reply_to_message: modMessage });
    expect(note.message.text).toBe('I have answered you in a private message.');
    expect(emu.botMessages(BOB.chatId)[bobPrivateBefore].message.text).toBe(en.notModerator());
    expect(assistant.inbounds.slice(inboundsBefore)).toHaveLength(1);
    expect(assistant.inbounds.at(-1)!.context).toMatchObject({
      platformModerator: false,
      mentions: [{ externalId: String(MOD.userId) }],
    });
    expect((await balanceOf(MOD.userId)).balance).toBe(0);
    expect(await h.services.grants.list({ community: COMMUNITY })).toHaveLength(2);
    // The admin check is cached: one getChatMember per sender.
    expect(emu.callsOf('getChatMember').map((c) => c.payload.user_id)).toEqual([
      MOD.userId,
      BOB.userId,
    ]);
    await expectLedgerConsistent();
  });

  it('answers a group mention and a reply to the bot; private answers go to the private chat', async () => {
    const bob = client(BOB_IN_GROUP, 'en');
    const guide = async (lang: 'zh' | 'en') =>
      (lang === 'zh' ? zh : en).earnGuide(
        (await h.services.rewards.earnGuide(lang)).map((r) => ({
          title: r.title,
          points: r.points,
        })),
      );

    const text = `@${BOT_USERNAME} 怎么赚积分？`;
    const answer = await say(bob, GROUP, text, {
      entities: [{ type: 'mention', offset: 0, length: BOT_USERNAME.length + 1 }],
    });
    expect(assistant.inbounds.at(-1)!.text).toBe('怎么赚积分？'); // the bot's own mention is stripped
    expect(answer.message.text).toBe(await guide('zh'));
    expect(callbackIds(answer)).toEqual(['in:checkin', 'in:invite']);

    const botMessage = {
      message_id: answer.messageId,
      from: { id: 666, is_bot: true, first_name: 'Bot', username: BOT_USERNAME },
      chat: { id: GROUP, type: 'supergroup' },
      date: 1,
      text: answer.message.text,
    };
    const english = await say(bob, GROUP, 'How can I earn more points?', {
      reply_to_message: botMessage,
    });
    expect(english.message.text).toBe(await guide('en'));

    const privateBefore = emu.botMessages(BOB.chatId).length;
    const note = await say(bob, GROUP, '/balance');
    expect(note.message.text).toBe('I have answered you in a private message.');
    expect(emu.botMessages(BOB.chatId)[privateBefore].message.text).toBe(
      en.balance({ balance: 50, available: 50, held: 0, pending: 0, expiring: [] }),
    );
  });

  it('a redemption confirmed by a callback button, pressed twice: enrolled and charged once', async () => {
    const alice = client(ALICE);
    const aliceId = await userIdOf(ALICE.userId);
    await h.services.ledger.credit({
      key: uniqueKey('seed'),
      userId: aliceId,
      amount: 20_000,
      reason: 'test seed',
      actor: 'test',
    });
    const before = (await h.services.account.balance(aliceId)).balance;

    const offer = await say(alice, ALICE.chatId, '/redeem python');
    expect(offer.message.text).toBe(
      zh.quote({
        title: PYTHON.titleZh,
        cost: PYTHON.points,
        balanceAfter: before - PYTHON.points,
        available: before,
        discountPercent: 0,
        quantity: 1,
        expiresInMinutes: 10,
      }),
    );
    const [confirmId, cancelId] = callbackIds(offer);
    expect(confirmId).toMatch(/^ok:[\w-]+$/);
    expect(cancelId).toBe(confirmId.replace(/^ok:/, 'no:'));
    expect(keyboardOf(offer)).toEqual([
      [
        { text: '✅ 确认', callback_data: confirmId },
        { text: '取消', callback_data: cancelId },
      ],
    ]);
    // The quote holds the points: still in the balance, no longer available.
    expect(await h.services.account.balance(aliceId)).toMatchObject({
      balance: before,
      held: PYTHON.points,
      available: before - PYTHON.points,
    });
    const sent = emu.botMessages(ALICE.chatId).length;
    const edits = emu.callsOf('editMessageText').length;

    const first = await tap(alice, ALICE.chatId, offer, confirmId);
    expect(first.payload.text).toBeUndefined();
    await emu.waitForCalls('editMessageText', edits + 1);
    const enrolled = (await h.services.orders.enrollments(aliceId)).find(
      (e) => e.slug === PYTHON.slug,
    );
    expect(enrolled).toMatchObject({ source: expect.any(String), orderId: expect.any(Number) });
    const outcome = messageById(ALICE.chatId, offer.messageId);
    const redeemedText = zh.redeemed({
      title: PYTHON.titleZh,
      pointsCharged: PYTHON.points,
      balance: before - PYTHON.points,
      orderId: enrolled!.orderId!,
    });
    expect(outcome.message.text).toBe(redeemedText);
    expect(keyboardOf(outcome)).toEqual([]);
    expect(await h.services.account.balance(aliceId)).toMatchObject({
      balance: before - PYTHON.points,
      held: 0,
      available: before - PYTHON.points,
    });

    // The second tap: the keyboard is spent; the assistant is not asked and nothing changes.
    const inbounds = assistant.inbounds.length;
    const second = await tap(alice, ALICE.chatId, offer, confirmId);
    expect(second.payload.text).toMatch(/已经处理|already been handled/);
    expect(assistant.inbounds).toHaveLength(inbounds);
    expect(emu.callsOf('editMessageText')).toHaveLength(edits + 1);
    expect(emu.botMessages(ALICE.chatId)).toHaveLength(sent);

    // Even if the tap reached the assistant again (the adapter restarted and forgot the
    // keyboard), the confirmation token is spent: the same outcome, no second charge.
    const again = await h.services.assistant.handle({
      user: { channel: 'telegram', externalId: String(ALICE.userId) },
      action: confirmId,
      eventId: 'redelivered-confirm',
      context: { isGroup: false },
    });
    expect(again.replies.map((r) => r.text)).toEqual([redeemedText]);
    expect((await h.services.account.balance(aliceId)).balance).toBe(before - PYTHON.points);
    expect((await h.services.orders.listOrders(aliceId)).items).toHaveLength(1);
    expect(
      (await h.services.orders.enrollments(aliceId)).filter((e) => e.slug === PYTHON.slug),
    ).toHaveLength(1);
    await expectLedgerConsistent();
  });

  it('free-text questions in Chinese and in English', async () => {
    const alice = client(ALICE);
    const aliceId = await userIdOf(ALICE.userId);
    const { schedule } = await h.services.account.expirySummary(aliceId);
    const months = h.services.config.POINTS_EXPIRY_MONTHS;
    expect((await say(alice, ALICE.chatId, '我的积分什么时候过期？')).message.text).toBe(
      zh.expiry({ expiring: schedule, months }),
    );
    expect(assistant.results.at(-1)).toMatchObject({ intent: 'points_expiry', lang: 'zh' });
    expect((await say(alice, ALICE.chatId, 'When do my points expire?')).message.text).toBe(
      en.expiry({ expiring: schedule, months }),
    );
    expect(assistant.results.at(-1)).toMatchObject({ intent: 'points_expiry', lang: 'en' });
    expect(assistant.inbounds.at(-1)).toMatchObject({
      text: 'When do my points expire?',
      context: { isGroup: false },
    });
  });

  it('gives every update its own eventId: the emulator update id', () => {
    const ids = assistant.inbounds.map((i) => i.eventId);
    expect(new Set(ids).size).toBe(ids.length);
    for (const id of ids) expect(id).toMatch(/^\d+$/);
  });

  it('measures update → reply latency (sequential and 10 concurrent users)', async () => {
    const users = Array.from({ length: 10 }, (_, i) =>
      client({ userId: 400 + i, chatId: 400 + i, firstName: `U${i}`, userName: `u${i}` }),
    );
    phase = 'sequential, one user at a time (/balance)';
    for (let i = 0; i < 100; i++) await say(users[i % 10], 400 + (i % 10), '/balance');
    phase = '10 users concurrently (free text through the NLU)';
    const questions = [
      '我有多少积分？',
      'How can I earn more points?',
      '我的积分什么时候过期？',
      'When do my points expire?',
    ];
    await Promise.all(
      users.map(async (u, i) => {
        for (let k = 0; k < 10; k++) await say(u, 400 + i, questions[(i + k) % questions.length]);
      }),
    );
    expect(latencies['10 users concurrently (free text through the NLU)']).toHaveLength(100);
    await expectLedgerConsistent();
  });

  it('stops gracefully: polling ends and later updates wait in Telegram, not lost', async () => {
    await runtime.stop();
    const polls = emu.callsOf('getUpdates').length;
    const inbounds = assistant.inbounds.length;
    const alice = client(ALICE);
    await alice.sendMessage(alice.makeMessage('anyone there?') as MessageRequest);
    await new Promise((r) => setTimeout(r, 200));
    expect(emu.callsOf('getUpdates')).toHaveLength(polls);
    expect(assistant.inbounds).toHaveLength(inbounds);
  });
});
