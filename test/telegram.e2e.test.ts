// End to end: the real bot (createTelegramBot + startTelegram in polling mode, runner,
// throttler, auto-retry) against the telegram-test-api emulator over HTTP, driven by emulated
// users. The assistant is injected: today the scripted test assistant, later the real one.
// Adapter assertions (replies, keyboards, answered callbacks, edits, event ids, moderator flag)
// hold for any assistant; lines marked "scripted" depend on the test assistant's wording.
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTelegramBot, startTelegram, type TelegramRuntime } from '../bots/telegram/index.js';
import { createTestAssistant, type TestAssistant } from './support/telegram-test-assistant.js';
import { startEmulator, type Emulator, type StoredBotMessage } from './support/telegram-emulator.js';

const TOKEN = '123456:E2E-test-token';
const GROUP = -1001234;
const BOT_USERNAME = 'TestNameBot'; // what the emulator's getMe answers
const ALICE = { userId: 201, chatId: 201, firstName: 'Alice', userName: 'alice' };
const BOB = { userId: 202, chatId: 202, firstName: 'Bob', userName: 'bob' };
const MOD = { userId: 301, chatId: GROUP, firstName: 'Mod', userName: 'mod', type: 'supergroup' as const, chatTitle: 'Study group' };
const BOB_IN_GROUP = { ...BOB, chatId: GROUP, type: 'supergroup' as const, chatTitle: 'Study group' };

let emu: Emulator;
let assistant: TestAssistant;
let runtime: TelegramRuntime;
// Round-trip times by phase: the scripted conversation, then a dedicated latency run.
const latencies: Record<string, number[]> = { conversation: [] };
let phase = 'conversation';

type Client = ReturnType<Emulator['client']>;
const client = (opts: Parameters<Emulator['client']>[1]) => emu.client(TOKEN, opts);
const keyboardOf = (m: StoredBotMessage) => m.message.reply_markup?.inline_keyboard ?? [];

/** Sends text (a command when it starts with "/") and returns the bot's next message to `chatId`. */
async function say(c: Client, chatId: number, text: string, extra: Record<string, unknown> = {}) {
  const before = emu.botMessages(chatId).length;
  const started = performance.now();
  if (text.startsWith('/')) await c.sendCommand({ ...c.makeCommand(text), ...extra } as any);
  else await c.sendMessage({ ...c.makeMessage(text), ...extra } as any);
  const reply = await emu.nextBotMessage(chatId, before);
  (latencies[phase] ??= []).push(performance.now() - started);
  return reply;
}

/** Taps a callback button of a bot message; resolves once Telegram has been answered. */
async function tap(c: Client, chatId: number, m: StoredBotMessage, data: string) {
  const answered = emu.callsOf('answerCallbackQuery').length;
  await c.sendCallback(c.makeCallbackQuery(data, { message: { message_id: m.messageId, chat: { id: chatId } } as any }) as any);
  await emu.waitForCalls('answerCallbackQuery', answered + 1);
  return emu.callsOf('answerCallbackQuery').at(-1)!;
}

beforeAll(async () => {
  emu = await startEmulator();
  emu.admins.set(GROUP, new Set([MOD.userId]));
  assistant = createTestAssistant();
  const logger = pino({ level: process.env.E2E_LOG_LEVEL ?? 'silent' });
  const bot = createTelegramBot({
    token: TOKEN,
    assistant,
    logger,
    apiRoot: emu.apiRoot,
    // The throttler stays in the chain, with limits that do not pace a test conversation.
    throttle: { global: { maxConcurrent: 100 }, group: { maxConcurrent: 1 }, out: { maxConcurrent: 1 } },
    rateLimit: { timeFrameMs: 1000, limit: 100 },
  });
  runtime = await startTelegram({ bot, logger, mode: 'polling' });
});

afterAll(async () => {
  await runtime?.stop();
  await emu?.stop();
  const pct = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)].toFixed(1);
  for (const [name, values] of Object.entries(latencies)) {
    if (!values.length) continue;
    const sorted = [...values].sort((a, b) => a - b);
    console.log(`[telegram e2e] update → reply latency, ${name}: n=${sorted.length} p50 ${pct(sorted, 50)} ms, p99 ${pct(sorted, 99)} ms, max ${sorted.at(-1)!.toFixed(1)} ms`);
  }
});

describe('telegram bot against the telegram-test-api emulator (polling)', () => {
  it('registers the command menus in zh and en on start', () => {
    const menus = emu.callsOf('setMyCommands').map((c) => `${c.payload.scope.type}/${c.payload.language_code ?? 'default'}`);
    expect(menus.sort()).toEqual(['all_group_chats/default', 'all_group_chats/zh', 'all_private_chats/default', 'all_private_chats/zh']);
    expect(emu.callsOf('deleteWebhook')).toHaveLength(1);
  });

  it('/start with and without a referral', async () => {
    const alice = client(ALICE);
    const bob = client(BOB);
    expect((await say(alice, ALICE.chatId, '/start')).message.text).toBe('Welcome to xuefen!'); // scripted
    const reply = await say(bob, BOB.chatId, `/start ref_${ALICE.userId}`);
    expect(reply.message.text).toBe(`Welcome to xuefen! Invited by ${ALICE.userId}.`); // scripted
    expect(assistant.inbounds.at(-1)).toMatchObject({
      user: { channel: 'telegram', externalId: String(BOB.userId), username: 'bob', displayName: 'Bob' },
      command: { name: 'start', args: { ref: String(ALICE.userId) } },
      context: { isGroup: false },
    });
    expect(assistant.balanceOf(String(ALICE.userId))).toBe(20); // scripted referral credit
  });

  it('balance, and check-in twice in a day', async () => {
    const alice = client(ALICE);
    expect((await say(alice, ALICE.chatId, '/balance')).message.text).toBe('Balance: 20 points.');
    expect((await say(alice, ALICE.chatId, '/checkin')).message.text).toBe('Checked in: +5 points. Balance: 25 points.');
    expect((await say(alice, ALICE.chatId, '/checkin')).message.text).toBe('Already checked in today.');
    expect(assistant.balanceOf(String(ALICE.userId))).toBe(25);
  });

  it('browses courses with paging buttons, editing the list in place', async () => {
    const alice = client(ALICE);
    const list = await say(alice, ALICE.chatId, '/courses');
    expect(keyboardOf(list).at(-1)).toEqual([{ text: 'Next ›', callback_data: 'page:2' }]);
    expect(keyboardOf(list)[0]).toEqual([{ text: '1. Redeem', callback_data: 'course:c1' }]);
    const sentBefore = emu.botMessages(ALICE.chatId).length;

    await tap(alice, ALICE.chatId, list, 'page:2');
    await emu.waitForCalls('editMessageText', 1);
    const page2 = emu.botMessages(ALICE.chatId).find((m) => m.messageId === list.messageId)!;
    expect(page2.message.text).toMatch(/^Courses, page 2\/3/);
    expect(keyboardOf(page2).at(-1)!.map((b: any) => b.callback_data)).toEqual(['page:1', 'page:3']);

    await tap(alice, ALICE.chatId, list, 'page:3');
    await emu.waitForCalls('editMessageText', 2);
    expect(emu.botMessages(ALICE.chatId).find((m) => m.messageId === list.messageId)!.message.text).toMatch(/^Courses, page 3\/3/);
    // Paging edits; it never sends a new message.
    expect(emu.botMessages(ALICE.chatId)).toHaveLength(sentBefore);
  });

  it('moderator /grant in a group: an admin is obeyed, a non-admin refused, chatter ignored', async () => {
    const mod = client(MOD);
    const bob = client(BOB_IN_GROUP);
    const text = '/grant @alice 100 great answer';
    const granted = await say(mod, GROUP, text, { entities: [{ type: 'bot_command', offset: 0, length: 6 }, { type: 'mention', offset: 7, length: 6 }] });
    expect(granted.message.text).toBe('Granted 100 points to @alice (great answer).'); // scripted
    expect(granted.message.reply_parameters).toMatchObject({ allow_sending_without_reply: true });
    expect(assistant.inbounds.at(-1)).toMatchObject({
      command: { name: 'grant', args: { amount: 100, reason: 'great answer' } },
      context: { community: `telegram:${GROUP}`, isGroup: true, platformModerator: true, mentions: [{ username: 'alice', usernameOnly: true }] },
    });
    expect(assistant.balanceOf(String(ALICE.userId))).toBe(125);

    const inboundsBefore = assistant.inbounds.length;
    await bob.sendMessage(bob.makeMessage('lunch anyone?') as any); // chatter: not for the bot
    const modMessage = { message_id: 1, from: { id: MOD.userId, is_bot: false, first_name: 'Mod' }, chat: { id: GROUP, type: 'supergroup' }, date: 1, text: 'hi' };
    const refused = await say(bob, GROUP, '/grant 10 me too', { reply_to_message: modMessage });
    expect(refused.message.text).toBe('Only moderators can grant points.'); // scripted
    expect(assistant.inbounds.slice(inboundsBefore)).toHaveLength(1);
    expect(assistant.inbounds.at(-1)!.context).toMatchObject({
      platformModerator: false,
      mentions: [{ externalId: String(MOD.userId) }],
    });
    expect(assistant.balanceOf(String(MOD.userId))).toBe(0);
    expect(emu.callsOf('getChatMember').map((c) => c.payload.user_id)).toEqual([MOD.userId, BOB.userId]);
  });

  it('answers a group mention and a reply to the bot; private answers go to the private chat', async () => {
    const bob = client(BOB_IN_GROUP);
    const text = `@${BOT_USERNAME} 怎么赚积分？`;
    const answer = await say(bob, GROUP, text, { entities: [{ type: 'mention', offset: 0, length: BOT_USERNAME.length + 1 }] });
    expect(answer.message.text).toBe('你问的是：怎么赚积分？'); // scripted echo: the mention is stripped
    const botMessage = { message_id: answer.messageId, from: { id: 666, is_bot: true, first_name: 'Bot', username: BOT_USERNAME }, chat: { id: GROUP, type: 'supergroup' }, date: 1, text: answer.message.text };
    expect((await say(bob, GROUP, 'and in English?', { reply_to_message: botMessage })).message.text).toBe('You asked: and in English?');

    const privateBefore = emu.botMessages(BOB.chatId).length;
    const note = await say(bob, GROUP, '/balance');
    expect(note.message.text).toBe('I have answered you in a private message.');
    expect(emu.botMessages(BOB.chatId)[privateBefore].message.text).toBe('Balance: 0 points.');
  });

  it('a redemption confirmed by a callback button, pressed twice', async () => {
    const alice = client(ALICE);
    const offer = await say(alice, ALICE.chatId, '/redeem c1');
    expect(offer.message.text).toBe('Redeem Python 101 for 100 points?'); // scripted
    expect(keyboardOf(offer)).toEqual([[{ text: 'Confirm', callback_data: 'confirm:h1' }, { text: 'Cancel', callback_data: 'cancel:h1' }]]);
    const sent = emu.botMessages(ALICE.chatId).length;
    const edits = emu.callsOf('editMessageText').length;

    const first = await tap(alice, ALICE.chatId, offer, 'confirm:h1');
    expect(first.payload.text).toBeUndefined();
    await emu.waitForCalls('editMessageText', edits + 1);
    const outcome = emu.botMessages(ALICE.chatId).find((m) => m.messageId === offer.messageId)!;
    expect(outcome.message.text).toBe('Redeemed Python 101. Balance: 25 points.'); // scripted
    expect(keyboardOf(outcome)).toEqual([]);
    expect(assistant.balanceOf(String(ALICE.userId))).toBe(25);

    const inbounds = assistant.inbounds.length;
    const second = await tap(alice, ALICE.chatId, offer, 'confirm:h1');
    expect(second.payload.text).toMatch(/已经处理|already been handled/);
    expect(assistant.inbounds).toHaveLength(inbounds);
    expect(emu.callsOf('editMessageText')).toHaveLength(edits + 1);
    expect(emu.botMessages(ALICE.chatId)).toHaveLength(sent);
    expect(assistant.balanceOf(String(ALICE.userId))).toBe(25);
  });

  it('free-text questions in Chinese and in English', async () => {
    const alice = client(ALICE);
    expect((await say(alice, ALICE.chatId, '我的积分什么时候过期？')).message.text).toBe('你问的是：我的积分什么时候过期？');
    expect((await say(alice, ALICE.chatId, 'When do my points expire?')).message.text).toBe('You asked: When do my points expire?');
    expect(assistant.inbounds.at(-1)).toMatchObject({ text: 'When do my points expire?', context: { isGroup: false } });
  });

  it('gives every update its own eventId: the emulator update id', () => {
    const ids = assistant.inbounds.map((i) => i.eventId);
    expect(new Set(ids).size).toBe(ids.length);
    for (const id of ids) expect(id).toMatch(/^\d+$/);
  });

  it('measures update → reply latency (sequential and 10 concurrent users)', async () => {
    const users = Array.from({ length: 10 }, (_, i) => client({ userId: 400 + i, chatId: 400 + i, firstName: `U${i}`, userName: `u${i}` }));
    phase = 'sequential, one user at a time';
    for (let i = 0; i < 100; i++) await say(users[i % 10], 400 + (i % 10), '/balance');
    phase = '10 users concurrently';
    await Promise.all(users.map(async (u, i) => {
      for (let k = 0; k < 10; k++) await say(u, 400 + i, `question ${k}`);
    }));
    expect(latencies['10 users concurrently']).toHaveLength(100);
  });

  it('stops gracefully: polling ends and later updates wait in Telegram, not lost', async () => {
    await runtime.stop();
    const polls = emu.callsOf('getUpdates').length;
    const inbounds = assistant.inbounds.length;
    const alice = client(ALICE);
    await alice.sendMessage(alice.makeMessage('anyone there?') as any);
    await new Promise((r) => setTimeout(r, 200));
    expect(emu.callsOf('getUpdates')).toHaveLength(polls);
    expect(assistant.inbounds).toHaveLength(inbounds);
  });
});
