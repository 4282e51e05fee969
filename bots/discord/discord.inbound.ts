// Discord events → the assistant's Inbound. Facts come from discord.js objects (gateway) or raw
// payloads (HTTP interactions); from there one set of builders makes the Inbound. No rules here:
// platformModerator only reports the Manage Server permission, the assistant decides.
import {
  ApplicationCommandOptionType,
  PermissionFlagsBits,
  type APIApplicationCommandInteractionDataOption,
  type APIInteractionDataResolved,
  type APIInteractionGuildMember,
  type APIUser,
  type GuildMember,
  type Interaction,
  type Message,
  type User,
} from 'discord.js';
import type {
  Inbound,
  InboundContext,
  InboundUser,
  Lang,
} from '../../src/assistant/assistant.types.js';
import type { Command, CommandInbound, CommandInput, EventFacts } from './discord.types.js';

export function langOf(locale: string | null | undefined): Lang {
  return locale?.toLowerCase().startsWith('zh') ? 'zh' : 'en';
}

function userFrom(
  user: User,
  member?: GuildMember | APIInteractionGuildMember | null,
  locale?: string,
): InboundUser {
  const nick = !member ? undefined : 'nickname' in member ? member.nickname : member.nick;
  return {
    channel: 'discord',
    externalId: user.id,
    displayName: nick ?? user.globalName ?? user.username,
    username: user.username,
    ...(locale ? { languageCode: locale } : {}),
  };
}

export function userFromApi(
  user: APIUser,
  member?: { nick?: string | null } | null,
  locale?: string,
): InboundUser {
  return {
    channel: 'discord',
    externalId: user.id,
    displayName: member?.nick ?? user.global_name ?? user.username,
    username: user.username,
    ...(locale ? { languageCode: locale } : {}),
  };
}

function rolesOf(
  member: GuildMember | APIInteractionGuildMember | null | undefined,
  guildId: string | null,
): string[] {
  if (!member) return [];
  const ids = Array.isArray(member.roles) ? member.roles : [...member.roles.cache.keys()];
  return ids.filter((id) => id !== guildId); // @everyone has the guild's id
}

/** Facts of a discord.js interaction (gateway). */
export function interactionFacts(i: Interaction): EventFacts {
  return {
    eventId: i.id,
    user: userFrom(i.user, i.member, i.locale),
    guildId: i.guildId,
    permissions: i.inGuild() ? (i.memberPermissions?.bitfield ?? null) : null,
    roles: rolesOf(i.member, i.guildId),
  };
}

/** Facts of a discord.js message (gateway). */
export function messageFacts(m: Message): EventFacts {
  const guildId = m.guildId ?? null;
  return {
    eventId: m.id,
    user: userFrom(m.author, m.member),
    guildId,
    permissions: guildId && m.member ? m.member.permissions.bitfield : null,
    roles: rolesOf(m.member, guildId),
  };
}

export function contextOf(f: EventFacts, mentions?: InboundUser[]): InboundContext {
  if (!f.guildId) return { isGroup: false, ...(mentions?.length ? { mentions } : {}) };
  return {
    community: `discord:${f.guildId}`,
    isGroup: true,
    platformModerator:
      f.permissions !== null &&
      (f.permissions & PermissionFlagsBits.ManageGuild) === PermissionFlagsBits.ManageGuild,
    platformRoles: f.roles,
    ...(mentions?.length ? { mentions } : {}),
  };
}

/** The default mapping: every option an arg, user options as mentions too (args get the id). */
export function defaultCommandInbound(name: string, input: CommandInput): CommandInbound {
  const args: Record<string, string | number | undefined> = {};
  for (const [k, v] of Object.entries(input.values))
    args[k] = typeof v === 'boolean' ? String(v) : v;
  for (const [k, u] of Object.entries(input.users)) args[k] = u.externalId;
  const mentions = Object.values(input.users);
  return { command: { name, args }, ...(mentions.length ? { mentions } : {}) };
}

export function commandInbound(cmd: Command, f: EventFacts, input: CommandInput): Inbound {
  const mapped = cmd.toInbound ? cmd.toInbound(input) : defaultCommandInbound(cmd.data.name, input);
  return {
    user: f.user,
    command: mapped.command,
    ...(mapped.text !== undefined ? { text: mapped.text } : {}),
    context: contextOf(f, mapped.mentions),
    eventId: f.eventId,
  };
}

export function actionInbound(f: EventFacts, action: string): Inbound {
  return { user: f.user, action, context: contextOf(f), eventId: f.eventId };
}

/** Options of a raw chat-input payload (HTTP interactions, or discord.js's options.data). */
export function inputFromApi(
  options: readonly APIApplicationCommandInteractionDataOption[] | undefined,
  resolved: APIInteractionDataResolved | undefined,
): CommandInput {
  const input: CommandInput = { values: {}, users: {} };
  for (const o of options ?? []) {
    if (!('value' in o)) continue; // sub-commands are not used
    if (o.type === ApplicationCommandOptionType.User) {
      const user = resolved?.users?.[String(o.value)];
      if (user) input.users[o.name] = userFromApi(user, resolved?.members?.[user.id] ?? null);
      else input.values[o.name] = String(o.value);
      continue;
    }
    input.values[o.name] = o.value;
  }
  return input;
}

/** Options of a discord.js chat-input interaction. */
export function inputFromInteraction(
  options: readonly {
    name: string;
    type: number;
    value?: unknown;
    user?: User;
    member?: GuildMember | APIInteractionGuildMember | unknown;
  }[],
): CommandInput {
  const input: CommandInput = { values: {}, users: {} };
  for (const o of options) {
    if (o.type === ApplicationCommandOptionType.User && o.user) {
      const member = o.member && typeof o.member === 'object' ? (o.member as GuildMember) : null;
      input.users[o.name] = userFrom(o.user, member);
    } else if (
      typeof o.value === 'string' ||
      typeof o.value === 'number' ||
      typeof o.value === 'boolean'
    ) {
      input.values[o.name] = o.value;
    }
  }
  return input;
}
