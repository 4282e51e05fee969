// Handler tests: constructed updates through bot.handleUpdate, every Bot API call answered by
// a recording transformer (no network), the scripted test assistant behind the adapter.
import { describe, expect, it } from 'vitest';
import { createTelegramBot, type TelegramBotOptions } from './telegram.bot.js';
import { createTestAssistant } from '../../test/support/telegram-test-assistant.js';
import {
  BOT_INFO,
  callbackUpdate,
  captureLogger,
  createApiRecorder,
  editedUpdate,
  groupChat,
  mention,
  message,
  messageUpdate,
  user,
} from '../../test/support/telegram-fakes.js';

function setup(opts: Partial<TelegramBotOptions> = {}) {
  const assistant = createTestAssistant();
  const { logger, lines } = captureLogger();
  const api = createApiRecorder();
  const bot = createTelegramBot({
    token: '123:test',
    assistant,
    logger,
    botInfo: BOT_INFO,
    throttle: false,
    autoRetry: false,
    rateLimit: false,
    ...opts,
  });
  bot.api.config.use(api.transformer);
  return { bot, assistant, api, lines };
}

const alice = user(101, {
  language_code: 'zh-hans',
  username: 'alice',
  first_name: 'Alice',
  last_name: 'Li',
});
const bob = user(102, { username: 'bob' });
const admin = user(103, { username: 'mod' });
const group = groupChat(-100555);

describe('private chats', () => {
  it('turns a command into Inbound.command with the user, language and update id', async () => {
    const { bot, assistant, api } = setup();
    const update = messageUpdate({ from: alice, text: '/balance' });
    await bot.handleUpdate(update);
    expect(assistant.inbounds).toEqual([
      {
        user: {
          channel: 'telegram',
          externalId: '101',
          displayName: 'Alice Li',
          languageCode: 'zh-hans',
          username: 'alice',
        },
        command: { name: 'balance' },
        context: { isGroup: false },
        eventId: String(update.update_id),
      },
    ]);
    expect(api.of('sendMessage')).toMatchObject([
      { payload: { chat_id: 101, text: 'Balance: 0 points.' } },
    ]);
  });

  it('parses /start deep links and command text', async () => {
    const { bot, assistant } = setup();
    await bot.handleUpdate(messageUpdate({ from: bob, text: '/start ref_ABC-123' }));
    await bot.handleUpdate(messageUpdate({ from: alice, text: '/start' }));
    await bot.handleUpdate(messageUpdate({ from: alice, text: '/redeem@xuefen_bot Python 101' }));
    expect(assistant.inbounds.map((i) => i.command)).toEqual([
      { name: 'start', args: { ref: 'ABC-123' }, text: 'ref_ABC-123' },
      { name: 'start' },
      { name: 'redeem', text: 'Python 101' },
    ]);
  });

  it('passes free text through and replies', async () => {
    const { bot, assistant, api } = setup();
    await bot.handleUpdate(messageUpdate({ from: alice, text: '我有多少积分？' }));
    expect(assistant.inbounds[0]).toMatchObject({
      text: '我有多少积分？',
      context: { isGroup: false },
    });
    expect(api.of('sendMessage')[0].payload).toMatchObject({
      chat_id: 101,
      text: '你问的是：我有多少积分？',
    });
    expect(api.of('sendMessage')[0].payload.reply_parameters).toBeUndefined();
  });

  it('renders cards and buttons as an inline keyboard', async () => {
    const { bot, api } = setup();
    await bot.handleUpdate(messageUpdate({ from: alice, text: '/courses' }));
    const sent = api.of('sendMessage')[0].payload;
    expect(sent.text).toBe(
      'Courses, page 1/3\n\n1. Python 101\n   100 points\n2. Data Science\n   100 points',
    );
    expect(sent.reply_markup.inline_keyboard).toEqual([
      [{ text: '1. Redeem', callback_data: 'course:c1' }],
      [{ text: '2. Redeem', callback_data: 'course:c2' }],
      [{ text: 'Next ›', callback_data: 'page:2' }],
    ]);
  });

  it('answers stickers and caption-less photos with a hint, and reads photo captions', async () => {
    const { bot, assistant, api } = setup();
    await bot.handleUpdate(
      messageUpdate({
        from: alice,
        extra: {
          sticker: {
            file_id: 's',
            file_unique_id: 's',
            type: 'regular',
            width: 1,
            height: 1,
            is_animated: false,
            is_video: false,
          },
        },
      }),
    );
    await bot.handleUpdate(
      messageUpdate({
        from: bob,
        extra: { photo: [{ file_id: 'p', file_unique_id: 'p', width: 1, height: 1 }] },
      }),
    );
    await bot.handleUpdate(
      messageUpdate({
        from: bob,
        extra: {
          photo: [{ file_id: 'p', file_unique_id: 'p', width: 1, height: 1 }],
          caption: 'what is this course?',
        },
      }),
    );
    expect(api.of('sendMessage').map((c) => c.payload.text)).toEqual([
      expect.stringContaining('贴纸'),
      expect.stringContaining('I can only read text'),
      'You asked: what is this course?',
    ]);
    expect(assistant.inbounds.map((i) => i.text)).toEqual(['what is this course?']);
  });

  it('ignores edited messages (an edited /grant must not grant again)', async () => {
    const { bot, assistant, api } = setup();
    await bot.handleUpdate(editedUpdate({ from: alice, text: '/balance' }));
    await bot.handleUpdate(editedUpdate({ from: alice, text: 'hello again' }));
    expect(assistant.inbounds).toHaveLength(0);
    expect(api.calls).toHaveLength(0);
  });

  it('logs a user who blocked the bot and keeps running', async () => {
    const { bot, api, assistant, lines } = setup();
    api.blocked.add(alice.id);
    await expect(
      bot.handleUpdate(messageUpdate({ from: alice, text: '/balance' })),
    ).resolves.toBeUndefined();
    expect(lines.some((l) => l.level === 30 && /blocked/.test(l.msg) && l.update_id)).toBe(true);
    expect(lines.some((l) => l.level >= 50)).toBe(false);
    await bot.handleUpdate(messageUpdate({ from: bob, text: '/balance' }));
    expect(api.of('sendMessage').at(-1)?.payload.chat_id).toBe(bob.id);
    expect(assistant.inbounds).toHaveLength(2);
  });

  it('keeps going after a failing update: the error boundary apologises', async () => {
    const { bot, api, lines } = setup();
    await bot.handleUpdate(messageUpdate({ from: bob, text: 'boom' }));
    expect(lines.some((l) => l.level === 50 && l.msg === 'telegram update failed')).toBe(true);
    expect(api.of('sendMessage')[0].payload.text).toMatch(/something went wrong/);
    await bot.handleUpdate(messageUpdate({ from: bob, text: 'still there?' }));
    expect(api.of('sendMessage')[1].payload.text).toBe('You asked: still there?');
  });

  it('passes the same eventId for a redelivered update, so it acts once', async () => {
    const { bot, assistant } = setup();
    const update = messageUpdate({ from: alice, text: '/checkin' });
    await bot.handleUpdate(update);
    await bot.handleUpdate(structuredClone(update));
    expect(assistant.inbounds.map((i) => i.eventId)).toEqual([
      String(update.update_id),
      String(update.update_id),
    ]);
    expect(assistant.balanceOf('101')).toBe(5);
  });

  it('fails loudly on a button id longer than 64 bytes', async () => {
    const bad = {
      handle: async () => ({
        intent: 'x',
        confidence: 1,
        entities: {},
        lang: 'en' as const,
        replies: [{ text: 'pick', buttons: [{ id: '长'.repeat(22), label: 'x' }] }],
      }),
    };
    const broken = setup({ assistant: bad });
    await broken.bot.handleUpdate(messageUpdate({ from: bob, text: 'hi' }));
    expect(broken.lines.find((l) => l.level === 50)?.err?.message).toMatch(
      /66 bytes; Telegram callback_data must be 1-64 bytes/,
    );
    expect(broken.api.of('sendMessage').map((c) => c.payload.reply_markup)).toEqual([undefined]);
  });
});

describe('buttons', () => {
  it('answers the tap, edits the message to the outcome, and ignores a second tap', async () => {
    const { bot, assistant, api } = setup();
    api.admins.set(group.id, new Set([admin.id]));
    const grant = '/grant @alice 150 welcome';
    await bot.handleUpdate(messageUpdate({ from: alice, text: '/start' }));
    await bot.handleUpdate(
      messageUpdate({
        from: admin,
        chat: group,
        text: grant,
        entities: [{ type: 'bot_command', offset: 0, length: 6 }, mention(grant, 'alice')],
      }),
    );
    await bot.handleUpdate(messageUpdate({ from: alice, text: '/redeem c1' }));
    const offer = api.of('sendMessage').at(-1)!;
    expect(offer.payload.reply_markup.inline_keyboard).toEqual([
      [
        { text: 'Confirm', callback_data: 'confirm:h1' },
        { text: 'Cancel', callback_data: 'cancel:h1' },
      ],
    ]);
    const messageId = 1000 + api.of('sendMessage').length;
    const before = assistant.inbounds.length;

    const tap = callbackUpdate({ from: alice, messageId, data: 'confirm:h1' });
    await bot.handleUpdate(tap);
    expect(assistant.inbounds.at(-1)).toMatchObject({
      action: 'confirm:h1',
      eventId: String(tap.update_id),
    });
    expect(api.of('answerCallbackQuery')).toHaveLength(1);
    expect(api.of('editMessageText')).toMatchObject([
      {
        payload: {
          chat_id: 101,
          message_id: messageId,
          text: 'Redeemed Python 101. Balance: 50 points.',
          reply_markup: { inline_keyboard: [] },
        },
      },
    ]);
    expect(assistant.balanceOf('101')).toBe(50);

    await bot.handleUpdate(callbackUpdate({ from: alice, messageId, data: 'confirm:h1' }));
    expect(assistant.inbounds.length).toBe(before + 1);
    expect(api.of('answerCallbackQuery')[1].payload.text).toMatch(/已经处理/);
    expect(api.of('editMessageText')).toHaveLength(1);
  });

  it('pages in place: the new keyboard replaces the old one and its buttons work', async () => {
    const { bot, api } = setup();
    await bot.handleUpdate(messageUpdate({ from: bob, text: '/courses' }));
    const messageId = 1001;
    await bot.handleUpdate(callbackUpdate({ from: bob, messageId, data: 'page:2' }));
    const edit = api.of('editMessageText')[0].payload;
    expect(edit.text).toMatch(/^Courses, page 2\/3/);
    expect(edit.reply_markup.inline_keyboard.at(-1)).toEqual([
      { text: '‹ Prev', callback_data: 'page:1' },
      { text: 'Next ›', callback_data: 'page:3' },
    ]);
    await bot.handleUpdate(callbackUpdate({ from: bob, messageId, data: 'page:1' }));
    expect(api.of('editMessageText')[1].payload.text).toMatch(/^Courses, page 1\/3/);
    // page:2 was on the first keyboard, which is gone: a late tap on it is stale.
    await bot.handleUpdate(callbackUpdate({ from: bob, messageId, data: 'page:3' }));
    expect(api.of('editMessageText')).toHaveLength(2);
  });

  it('lets a tap on a message it does not know (after a restart) reach the assistant', async () => {
    const { bot, assistant, api } = setup();
    await bot.handleUpdate(callbackUpdate({ from: bob, messageId: 77, data: 'page:3' }));
    expect(assistant.inbounds[0].action).toBe('page:3');
    expect(api.of('editMessageText')[0].payload.message_id).toBe(77);
  });
});

describe('groups', () => {
  it('ignores chatter, answers mentions and replies to the bot', async () => {
    const { bot, assistant, api } = setup();
    await bot.handleUpdate(messageUpdate({ from: bob, chat: group, text: 'anyone up for lunch?' }));
    await bot.handleUpdate(
      messageUpdate({
        from: bob,
        chat: group,
        text: 'hey @alice look',
        entities: [mention('hey @alice look', 'alice')],
      }),
    );
    expect(assistant.inbounds).toHaveLength(0);
    expect(api.calls).toHaveLength(0);

    const text = '@xuefen_bot how do I earn points?';
    await bot.handleUpdate(
      messageUpdate({ from: bob, chat: group, text, entities: [mention(text, 'xuefen_bot')] }),
    );
    const botMessage = message({ from: BOT_INFO, chat: group, text: 'earlier answer' });
    await bot.handleUpdate(
      messageUpdate({ from: bob, chat: group, text: 'and then?', replyTo: botMessage }),
    );
    expect(assistant.inbounds.map((i) => [i.text, i.context])).toEqual([
      [
        'how do I earn points?',
        { community: 'telegram:-100555', isGroup: true, platformModerator: false },
      ],
      ['and then?', { community: 'telegram:-100555', isGroup: true, platformModerator: false }],
    ]);
    const replies = api.of('sendMessage');
    expect(replies.map((c) => c.payload.chat_id)).toEqual([-100555, -100555]);
    expect(replies[0].payload.reply_parameters).toMatchObject({
      allow_sending_without_reply: true,
    });
  });

  it('grants for an admin (by @mention and by reply) and refuses a non-admin', async () => {
    const { bot, assistant, api } = setup();
    api.admins.set(group.id, new Set([admin.id]));
    const text = '/grant @bob 50 great answer';
    await bot.handleUpdate(
      messageUpdate({
        from: admin,
        chat: group,
        text,
        entities: [{ type: 'bot_command', offset: 0, length: 6 }, mention(text, 'bob')],
      }),
    );
    const bobsMessage = message({ from: bob, chat: group, text: 'here is my homework' });
    await bot.handleUpdate(
      messageUpdate({ from: admin, chat: group, text: '/grant 30 homework', replyTo: bobsMessage }),
    );
    await bot.handleUpdate(
      messageUpdate({ from: alice, chat: group, text: '/grant 1000 me', replyTo: bobsMessage }),
    );

    const [byMention, byReply, refused] = assistant.inbounds;
    expect(byMention.command).toEqual({
      name: 'grant',
      args: { amount: 50, reason: 'great answer' },
      text: '@bob 50 great answer',
    });
    expect(byMention.context).toEqual({
      community: 'telegram:-100555',
      isGroup: true,
      platformModerator: true,
      mentions: [{ channel: 'telegram', externalId: '', username: 'bob', usernameOnly: true }],
    });
    expect(byReply.command?.args).toEqual({ amount: 30, reason: 'homework' });
    expect(byReply.context?.mentions?.[0]).toMatchObject({ externalId: '102', username: 'bob' });
    expect(refused.context?.platformModerator).toBe(false);
    expect(api.of('sendMessage').map((c) => c.payload.text)).toEqual([
      'Granted 50 points to @bob (great answer).',
      'Granted 30 points to @bob (homework).',
      'Only moderators can grant points.',
    ]);
    // The admin's second update used the cached getChatMember answer.
    expect(api.of('getChatMember').map((c) => c.payload.user_id)).toEqual([admin.id, alice.id]);
  });

  it('treats getChatMember failure as not a moderator', async () => {
    const { bot, assistant, api, lines } = setup();
    api.failing.add('getChatMember');
    await bot.handleUpdate(messageUpdate({ from: admin, chat: group, text: '/undo' }));
    expect(assistant.inbounds[0].context?.platformModerator).toBe(false);
    expect(lines.some((l) => l.level === 40 && /getChatMember failed/.test(l.msg))).toBe(true);
  });

  it('sends private replies to the private chat, or explains how to open one', async () => {
    const { bot, api } = setup();
    await bot.handleUpdate(messageUpdate({ from: bob, chat: group, text: '/balance' }));
    expect(api.of('sendMessage').map((c) => [c.payload.chat_id, c.payload.text])).toEqual([
      [bob.id, 'Balance: 0 points.'],
      [group.id, 'I have answered you in a private message.'],
    ]);
    api.clear();
    api.blocked.add(bob.id);
    await bot.handleUpdate(messageUpdate({ from: bob, chat: group, text: '/balance' }));
    const [hint] = api.of('sendMessage').filter((c) => c.payload.chat_id === group.id);
    expect(hint.payload.text).toMatch(/private/);
    expect(hint.payload.reply_markup.inline_keyboard[0][0]).toEqual({
      text: 'Open a private chat',
      url: 'https://t.me/xuefen_bot',
    });
  });

  it('ignores stickers in groups', async () => {
    const { bot, api } = setup();
    await bot.handleUpdate(
      messageUpdate({
        from: bob,
        chat: group,
        extra: {
          sticker: {
            file_id: 's',
            file_unique_id: 's',
            type: 'regular',
            width: 1,
            height: 1,
            is_animated: false,
            is_video: false,
          },
        },
      }),
    );
    expect(api.calls).toHaveLength(0);
  });
});

describe('flood control', () => {
  it("drops a user's updates over the limit and says so once", async () => {
    const { bot, assistant, api } = setup({ rateLimit: { timeFrameMs: 60_000, limit: 3 } });
    for (let i = 0; i < 6; i++)
      await bot.handleUpdate(messageUpdate({ from: bob, text: `msg ${i}` }));
    await bot.handleUpdate(messageUpdate({ from: alice, text: 'other user' }));
    expect(assistant.inbounds.map((i) => i.text)).toEqual([
      'msg 0',
      'msg 1',
      'msg 2',
      'other user',
    ]);
    expect(api.of('sendMessage').filter((c) => /too fast/.test(c.payload.text))).toHaveLength(1);
  });
});
