// Pure parts of the adapter: update → Inbound parsing, Reply → message rendering, command
// menus and the single-use keyboard registry.
import { describe, expect, it } from 'vitest';
import { commandMenus } from './telegram.commands.js';
import {
  isAddressedToBot,
  mentionsOf,
  parseCommand,
  withoutBotMention,
} from './telegram.inbound.js';
import { createKeyboardRegistry } from './telegram.keyboards.js';
import { keyboardOf, renderReply, splitText, toKeyboardButton } from './telegram.render.js';
import { BOT_INFO, mention, message, user } from '../../test/support/telegram-fakes.js';

const bob = user(2, { username: 'bob' });

describe('parseCommand', () => {
  it('reads /grant in both forms and leaves malformed amounts to the assistant', () => {
    const text = '/grant@xuefen_bot @bob +50  helped a lot';
    const msg = message({
      from: bob,
      text,
      entities: [{ type: 'bot_command', offset: 0, length: 17 }, mention(text, 'bob')],
    });
    expect(parseCommand(msg)).toEqual({
      name: 'grant',
      args: { amount: 50, reason: 'helped a lot' },
      text: '@bob +50  helped a lot',
    });
    expect(parseCommand(message({ from: bob, text: '/grant 20' }))).toEqual({
      name: 'grant',
      args: { amount: 20, reason: undefined },
      text: '20',
    });
    expect(parseCommand(message({ from: bob, text: '/grant lots' }))).toEqual({
      name: 'grant',
      text: 'lots',
    });
  });

  it('reads a start referral only in the ref_<code> form', () => {
    expect(parseCommand(message({ from: bob, text: '/start ref_x1' }))?.args).toEqual({
      ref: 'x1',
    });
    expect(parseCommand(message({ from: bob, text: '/start other' }))).toEqual({
      name: 'start',
      text: 'other',
    });
  });

  it('is undefined for text that does not start with a command', () => {
    expect(
      parseCommand(
        message({
          from: bob,
          text: 'hello /balance',
          entities: [{ type: 'bot_command', offset: 6, length: 8 }],
        }),
      ),
    ).toBeUndefined();
  });
});

describe('mentions and addressing', () => {
  it('lists the replied-to author first, then mentions, never the bot', () => {
    const text = '@xuefen_bot thanks @bob and Carol';
    const carol = user(3, { first_name: 'Carol', language_code: undefined });
    const msg = message({
      from: user(1),
      text,
      entities: [
        mention(text, 'xuefen_bot'),
        mention(text, 'bob'),
        { type: 'text_mention', offset: 28, length: 5, user: carol },
      ],
      replyTo: message({
        from: user(4, { first_name: 'Dan', language_code: undefined }),
        text: 'x',
      }),
    });
    expect(mentionsOf(msg, BOT_INFO)).toEqual([
      { channel: 'telegram', externalId: '4', displayName: 'Dan' },
      { channel: 'telegram', externalId: '', username: 'bob', usernameOnly: true },
      { channel: 'telegram', externalId: '3', displayName: 'Carol' },
    ]);
    expect(isAddressedToBot(msg, BOT_INFO)).toBe(true);
    expect(withoutBotMention(text, msg.entities!, BOT_INFO)).toBe('thanks @bob and Carol');
  });

  it('does not treat other mentions as addressing the bot', () => {
    const text = 'ask @XUEFEN_BOTS later';
    expect(
      isAddressedToBot(
        message({ from: bob, text, entities: [mention(text, 'XUEFEN_BOTS')] }),
        BOT_INFO,
      ),
    ).toBe(false);
  });
});

describe('rendering', () => {
  it('puts url buttons as url and checks callback data length in bytes', () => {
    expect(toKeyboardButton({ id: 'pay', label: 'Pay', url: 'https://pay.example/1' })).toEqual({
      text: 'Pay',
      url: 'https://pay.example/1',
    });
    expect(toKeyboardButton({ id: 'x'.repeat(64), label: 'ok' })).toEqual({
      text: 'ok',
      callback_data: 'x'.repeat(64),
    });
    expect(() => toKeyboardButton({ id: 'x'.repeat(65), label: 'long' })).toThrow(/65 bytes/);
    expect(() => toKeyboardButton({ id: '', label: 'empty' })).toThrow(/0 bytes/);
  });

  it('renders a single card without numbers and rows of at most three buttons', () => {
    const reply = {
      text: 'Pick',
      cards: [{ title: 'Python', buttons: [{ id: 'a', label: 'A' }] }],
      buttons: 'bcdef'.split('').map((id) => ({ id, label: id })),
    };
    expect(renderReply(reply)).toEqual([
      { text: 'Pick\n\nPython', reply_markup: keyboardOf(reply) },
    ]);
    expect(keyboardOf(reply)!.inline_keyboard.map((r) => r.length)).toEqual([1, 3, 2]);
  });

  it('splits long text at line breaks and keeps the keyboard on the last part', () => {
    const text = Array.from({ length: 300 }, (_, i) => `line ${i} ${'x'.repeat(20)}`).join('\n');
    const parts = renderReply({ text, buttons: [{ id: 'ok', label: 'OK' }] });
    expect(parts.length).toBeGreaterThan(1);
    expect(parts.every((p) => p.text.length <= 4096)).toBe(true);
    expect(parts.map((p) => p.text).join('\n')).toBe(text);
    expect(parts.slice(0, -1).every((p) => !p.reply_markup)).toBe(true);
    expect(parts.at(-1)!.reply_markup).toBeDefined();
    expect(splitText('y'.repeat(5000))).toHaveLength(2);
  });
});

describe('command menus', () => {
  it('has zh and default (en) menus for private chats and groups, within Telegram limits', () => {
    const menus = commandMenus();
    expect(menus.map((m) => `${m.scope.type}:${m.language_code ?? '-'}`)).toEqual([
      'all_private_chats:-',
      'all_private_chats:zh',
      'all_group_chats:-',
      'all_group_chats:zh',
    ]);
    for (const m of menus)
      for (const c of m.commands) {
        expect(c.command).toMatch(/^[a-z0-9_]{1,32}$/);
        expect(c.description.length).toBeLessThanOrEqual(256);
      }
  });
});

describe('keyboard registry', () => {
  it('makes a keyboard single-use, replaceable and releasable', () => {
    const k = createKeyboardRegistry({ maxMessages: 2 });
    expect(k.claim(1, 1, 'a')).toBe('unknown');
    k.remember(1, 1, ['a', 'b']);
    expect(k.claim(1, 1, 'a')).toBe('fresh');
    expect(k.claim(1, 1, 'b')).toBe('stale');
    k.release(1, 1, ['a']);
    expect(k.claim(1, 1, 'a')).toBe('fresh');
    k.remember(1, 2, ['x']);
    k.remember(1, 3, ['y']);
    expect(k.claim(1, 1, 'a')).toBe('unknown'); // evicted, oldest first
  });
});
