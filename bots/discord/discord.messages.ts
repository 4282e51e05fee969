// messageCreate: direct messages to the bot and guild messages that mention it go to the
// assistant as free text; the answer is a reply in the same channel. A personal answer to a guild
// message is sent by DM instead (messages cannot be ephemeral) and the message gets a 📬.
import type { Message, MessageCreateOptions } from 'discord.js';
import type { Logger } from '../../src/shared/logger.js';
import type { Assistant, Inbound, InboundUser } from '../../src/assistant/assistant.types.js';
import { contextOf, messageFacts } from './discord.inbound.js';
import { FAILED, renderReply } from './discord.render.js';

export interface MessageDeps {
  assistant: Assistant;
  logger: Logger;
}

function stripMention(content: string, botId: string): string {
  return content
    .replace(new RegExp(`<@!?${botId}>`, 'g'), ' ')
    .replace(/\s+/g, ' ')
    .trim();
}

function mentionsOf(m: Message, botId: string): InboundUser[] {
  const users = [m.mentions.repliedUser, ...m.mentions.users.values()].filter(
    (u, i, all): u is NonNullable<typeof u> =>
      !!u && u.id !== botId && !u.bot && all.findIndex((x) => x?.id === u.id) === i,
  );
  return users.map((u) => {
    const member = m.mentions.members?.get(u.id);
    return {
      channel: 'discord',
      externalId: u.id,
      displayName: member?.nickname ?? u.globalName ?? u.username,
      username: u.username,
    };
  });
}

export function createMessageListener(deps: MessageDeps) {
  return async function onMessage(m: Message): Promise<void> {
    const botId = m.client.user.id;
    if (m.author.bot || m.system) return;
    const inGuild = m.inGuild();
    if (inGuild && !m.mentions.users.has(botId)) return;
    const log = deps.logger.child({ message: m.id, user: m.author.id });
    try {
      const facts = messageFacts(m);
      const text = inGuild ? stripMention(m.content, botId) : m.content;
      const inbound: Inbound = {
        user: facts.user,
        text,
        context: contextOf(facts, mentionsOf(m, botId)),
        eventId: m.id,
      };
      const result = await deps.assistant.handle(inbound);
      let replied = false;
      let sentPrivately = false;
      for (const reply of result.replies) {
        const r = renderReply(reply);
        if (r.dropped.length) log.warn({ dropped: r.dropped }, 'buttons not shown');
        const body: MessageCreateOptions = {
          content: r.content,
          embeds: r.embeds,
          components: r.components,
          allowedMentions: { parse: [] },
        };
        if (inGuild && reply.private) {
          await m.author.send(body);
          sentPrivately = true;
        } else if (!replied) {
          await m.reply({ ...body, allowedMentions: { parse: [], repliedUser: false } });
          replied = true;
        } else if ('send' in m.channel) await m.channel.send(body);
      }
      if (sentPrivately) await m.react('📬');
    } catch (err) {
      log.error({ err }, 'message failed');
      const text = /\p{Script=Han}/u.test(m.content) ? FAILED.zh : FAILED.en;
      await m
        .reply({ content: text, allowedMentions: { parse: [] } })
        .catch((e: unknown) => log.warn({ err: e }, 'could not report the failure'));
    }
  };
}
