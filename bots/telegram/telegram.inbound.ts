// Telegram update → the assistant's Inbound. Parsing only: what a command or a mention means
// is the assistant's business; here we only say who spoke, where, to whom and with what words.
import type { Message, MessageEntity, User, UserFromGetMe } from 'grammy/types';
import type { Inbound, InboundCommand, InboundUser } from '../../src/assistant/assistant.types.js';
import type { TelegramContext } from './telegram.context.js';

export function toInboundUser(u: User): InboundUser {
  const user: InboundUser = { channel: 'telegram', externalId: String(u.id) };
  const name = [u.first_name, u.last_name].filter(Boolean).join(' ');
  if (name) user.displayName = name;
  if (u.language_code) user.languageCode = u.language_code;
  if (u.username) user.username = u.username;
  return user;
}

/** Text and entities of a message, or of a media caption (a photo's caption is what the user typed). */
export function textOf(msg: Message): { text: string; entities: MessageEntity[] } {
  if (msg.text !== undefined) return { text: msg.text, entities: msg.entities ?? [] };
  return { text: msg.caption ?? '', entities: msg.caption_entities ?? [] };
}

const spanOf = (text: string, e: MessageEntity) => text.slice(e.offset, e.offset + e.length);

function mentionsMe(text: string, e: MessageEntity, me: UserFromGetMe): boolean {
  if (e.type === 'text_mention') return e.user.id === me.id;
  return e.type === 'mention' && spanOf(text, e).toLowerCase() === `@${me.username.toLowerCase()}`;
}

/** In a group the bot answers only what is addressed to it: a mention or a reply to its message. */
export function isAddressedToBot(msg: Message, me: UserFromGetMe): boolean {
  if (msg.reply_to_message?.from?.id === me.id) return true;
  const { text, entities } = textOf(msg);
  return entities.some((e) => mentionsMe(text, e, me));
}

/** The text without the bot's own @mention, which addresses the bot and is not part of the question. */
export function withoutBotMention(
  text: string,
  entities: MessageEntity[],
  me: UserFromGetMe,
): string {
  const mine = entities.filter((e) => mentionsMe(text, e, me)).sort((a, b) => b.offset - a.offset);
  let out = text;
  for (const e of mine) out = out.slice(0, e.offset) + ' ' + out.slice(e.offset + e.length);
  return out.replace(/\s+/g, ' ').trim();
}

/** The replied-to author first (`/grant 50` as a reply), then @mentions; never the bot itself. */
export function mentionsOf(msg: Message, me: UserFromGetMe): InboundUser[] {
  const out: InboundUser[] = [];
  const seen = new Set<string>();
  const add = (u: InboundUser) => {
    const key = u.externalId || `@${u.username?.toLowerCase()}`;
    if (seen.has(key)) return;
    seen.add(key);
    out.push(u);
  };
  const replied = msg.reply_to_message?.from;
  if (replied && replied.id !== me.id) add(toInboundUser(replied));
  const { text, entities } = textOf(msg);
  for (const e of entities) {
    if (mentionsMe(text, e, me)) continue;
    if (e.type === 'text_mention') add(toInboundUser(e.user));
    if (e.type === 'mention') {
      const username = spanOf(text, e).slice(1);
      add({ channel: 'telegram', externalId: '', username, usernameOnly: true });
    }
  }
  return out;
}

/** `/name[@bot] rest` at the start of the message → InboundCommand; undefined for other text. */
export function parseCommand(msg: Message): InboundCommand | undefined {
  const { text, entities } = textOf(msg);
  const cmd = entities.find((e) => e.type === 'bot_command' && e.offset === 0);
  if (!cmd) return undefined;
  const name = spanOf(text, cmd).slice(1).split('@')[0].toLowerCase();
  const rest = text.slice(cmd.length).trim();
  const command: InboundCommand = { name };
  if (rest) command.text = rest;
  const args = argsFor(name, rest, textWithoutMentions(text, entities).slice(cmd.length).trim());
  if (args) command.args = args;
  return command;
}

// Mentions are passed as users, so the arguments are read from the text without them:
// `/grant @bob 50 thanks` and `/grant 50 thanks` (as a reply) parse the same way.
function textWithoutMentions(text: string, entities: MessageEntity[]): string {
  let out = text;
  const spans = entities.filter((e) => e.type === 'mention' || e.type === 'text_mention');
  for (const e of spans.sort((a, b) => b.offset - a.offset)) {
    out = out.slice(0, e.offset) + ' '.repeat(e.length) + out.slice(e.offset + e.length);
  }
  return out;
}

function argsFor(name: string, rest: string, restWithoutMentions: string): InboundCommand['args'] {
  if (name === 'start') {
    // Deep link t.me/<bot>?start=ref_<code> arrives as "/start ref_<code>".
    const ref = /^ref_([A-Za-z0-9_-]{1,60})$/.exec(rest)?.[1];
    return ref ? { ref } : undefined;
  }
  if (name === 'grant') {
    const m = /^([+-]?\d{1,9})(?:\s+([\s\S]*))?$/.exec(
      restWithoutMentions.replace(/\s+/g, ' ').trim(),
    );
    if (!m) return undefined;
    return { amount: Number(m[1]), reason: m[2]?.trim() || undefined };
  }
  return undefined;
}

export type InboundParts = Pick<Inbound, 'text' | 'action' | 'command'>;

/** Everything the assistant needs about this update; asks Telegram (cached) whether a group
 * sender is a chat administrator. */
export async function buildInbound(ctx: TelegramContext, parts: InboundParts): Promise<Inbound> {
  const from = ctx.from;
  if (!from) throw new Error('an update without a sender cannot reach the assistant');
  const inbound: Inbound = {
    user: toInboundUser(from),
    ...parts,
    eventId: String(ctx.update.update_id),
  };
  const chat = ctx.chat;
  const msg = ctx.message;
  const mentions = msg ? mentionsOf(msg, ctx.me) : [];
  if (chat && (chat.type === 'group' || chat.type === 'supergroup')) {
    // An anonymous admin posts as the group itself: Telegram only lets admins do that.
    const anonymousAdmin = ctx.senderChat?.id === chat.id;
    const platformModerator =
      anonymousAdmin ||
      (await ctx.deps.moderators.isModerator(ctx.api, chat.id, from.id, ctx.logger));
    inbound.context = { community: `telegram:${chat.id}`, isGroup: true, platformModerator };
    if (mentions.length) inbound.context.mentions = mentions;
  } else {
    inbound.context = { isGroup: false };
    if (mentions.length) inbound.context.mentions = mentions;
  }
  return inbound;
}
