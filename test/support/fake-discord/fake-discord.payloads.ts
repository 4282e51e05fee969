// Builders for the raw payloads a real Discord sends: snowflakes, users, the guild of
// GUILD_CREATE, and INTERACTION_CREATE / MESSAGE_CREATE bodies. Shapes follow API v10.
import { randomBytes } from 'node:crypto';

const DISCORD_EPOCH = 1420070400000n;
let increment = 0n;

export function snowflake(): string {
  increment = (increment + 1n) & 0xfffn;
  return (((BigInt(Date.now()) - DISCORD_EPOCH) << 22n) | (1n << 17n) | increment).toString();
}

export const MANAGE_GUILD = 1n << 5n;
const BASIC = (1n << 10n) | (1n << 11n) | (1n << 31n); // view channel, send messages, use commands

export interface FakeUser {
  id: string;
  username: string;
  global_name: string | null;
  discriminator: string;
  avatar: null;
  bot?: boolean;
}

export function fakeUser(
  username: string,
  opts: { bot?: boolean; globalName?: string } = {},
): FakeUser {
  return {
    id: snowflake(),
    username,
    global_name: opts.globalName ?? null,
    discriminator: '0',
    avatar: null,
    ...(opts.bot ? { bot: true } : {}),
  };
}

export interface FakeWorld {
  token: string;
  applicationId: string;
  bot: FakeUser;
  guildId: string;
  channelId: string;
  modRoleId: string;
  /** Plain member. */
  alice: FakeUser;
  /** Member holding a role with Manage Server. */
  mod: FakeUser;
  /** Another plain member (grant target). */
  bob: FakeUser;
}

export function createWorld(): FakeWorld {
  const bot = fakeUser('xuefen-bot', { bot: true, globalName: '学分助手' });
  return {
    token: `${Buffer.from(bot.id).toString('base64url')}.fake.${randomBytes(12).toString('base64url')}`,
    applicationId: bot.id,
    bot,
    guildId: snowflake(),
    channelId: snowflake(),
    modRoleId: snowflake(),
    alice: fakeUser('alice', { globalName: 'Alice' }),
    mod: fakeUser('mod', { globalName: 'Moderator' }),
    bob: fakeUser('bob', { globalName: 'Bob' }),
  };
}

export function rolesOf(w: FakeWorld, user: FakeUser): string[] {
  return user.id === w.mod.id ? [w.modRoleId] : [];
}

export function permissionsOf(w: FakeWorld, user: FakeUser): string {
  return (rolesOf(w, user).includes(w.modRoleId) ? BASIC | MANAGE_GUILD : BASIC).toString();
}

function member(w: FakeWorld, user: FakeUser) {
  return {
    user,
    nick: null,
    roles: rolesOf(w, user),
    joined_at: new Date(0).toISOString(),
    deaf: false,
    mute: false,
    flags: 0,
    avatar: null,
  };
}

/** The full guild of GUILD_CREATE. */
export function guildCreate(w: FakeWorld) {
  return {
    id: w.guildId,
    name: '学分学习群',
    icon: null,
    owner_id: snowflake(), // nobody we drive: ownership would bypass permissions
    afk_timeout: 300,
    verification_level: 0,
    default_message_notifications: 0,
    explicit_content_filter: 0,
    mfa_level: 0,
    nsfw_level: 0,
    premium_tier: 0,
    system_channel_flags: 0,
    preferred_locale: 'zh-CN',
    features: [],
    large: false,
    unavailable: false,
    member_count: 4,
    joined_at: new Date().toISOString(),
    roles: [
      {
        id: w.guildId,
        name: '@everyone',
        permissions: BASIC.toString(),
        position: 0,
        color: 0,
        hoist: false,
        managed: false,
        mentionable: false,
        flags: 0,
      },
      {
        id: w.modRoleId,
        name: 'Moderators',
        permissions: (BASIC | MANAGE_GUILD).toString(),
        position: 1,
        color: 0,
        hoist: false,
        managed: false,
        mentionable: false,
        flags: 0,
      },
    ],
    channels: [
      {
        id: w.channelId,
        type: 0,
        name: 'general',
        position: 0,
        permission_overwrites: [],
        nsfw: false,
        parent_id: null,
      },
    ],
    members: [w.bot, w.alice, w.mod, w.bob].map((u) => member(w, u)),
    emojis: [],
    stickers: [],
    threads: [],
    presences: [],
    voice_states: [],
    stage_instances: [],
    guild_scheduled_events: [],
    soundboard_sounds: [],
  };
}

interface Where {
  /** false → in the bot's DMs. */
  guild?: boolean;
  locale?: string;
}

function base(w: FakeWorld, user: FakeUser, where: Where) {
  const inGuild = where.guild !== false;
  return {
    id: snowflake(),
    application_id: w.applicationId,
    token: `itk_${randomBytes(24).toString('base64url')}`,
    version: 1,
    locale: where.locale ?? 'en-US',
    app_permissions: (BASIC | (1n << 14n)).toString(),
    entitlements: [],
    authorizing_integration_owners: { '0': w.guildId },
    attachment_size_limit: 10_485_760,
    ...(inGuild
      ? {
          guild_id: w.guildId,
          guild_locale: 'zh-CN',
          guild: { id: w.guildId, locale: 'zh-CN', features: [] },
          channel: { id: w.channelId, type: 0, guild_id: w.guildId, name: 'general' },
          channel_id: w.channelId,
          member: { ...member(w, user), permissions: permissionsOf(w, user) },
          context: 0,
        }
      : {
          user,
          channel: { id: dmChannelId(user), type: 1, recipients: [user] },
          channel_id: dmChannelId(user),
          context: 1,
        }),
  };
}

export function dmChannelId(user: FakeUser): string {
  return (BigInt(user.id) + 1n).toString();
}

export interface OptionInput {
  name: string;
  type: number;
  value: string | number;
  focused?: boolean;
}

export function chatInput(
  w: FakeWorld,
  user: FakeUser,
  name: string,
  options: OptionInput[] = [],
  where: Where = {},
  resolvedUsers: FakeUser[] = [],
) {
  const b = base(w, user, where);
  const resolved = resolvedUsers.length
    ? {
        users: Object.fromEntries(resolvedUsers.map((u) => [u.id, u])),
        members: Object.fromEntries(
          resolvedUsers.map((u) => [
            u.id,
            { ...member(w, u), user: undefined, permissions: permissionsOf(w, u) },
          ]),
        ),
      }
    : undefined;
  return {
    ...b,
    type: 2,
    data: { id: snowflake(), name, type: 1, options, ...(resolved ? { resolved } : {}) },
  };
}

export function autocomplete(
  w: FakeWorld,
  user: FakeUser,
  name: string,
  options: OptionInput[],
  where: Where = {},
) {
  return { ...base(w, user, where), type: 4, data: { id: snowflake(), name, type: 1, options } };
}

export function buttonPress(
  w: FakeWorld,
  user: FakeUser,
  message: Record<string, unknown>,
  customId: string,
  where: Where = {},
) {
  return {
    ...base(w, user, where),
    type: 3,
    message,
    data: { custom_id: customId, component_type: 2 },
  };
}

export function messageCreate(
  w: FakeWorld,
  author: FakeUser,
  content: string,
  opts: { guild?: boolean; mentions?: FakeUser[] } = {},
) {
  const inGuild = opts.guild !== false;
  const common = {
    id: snowflake(),
    author,
    content,
    timestamp: new Date().toISOString(),
    edited_timestamp: null,
    tts: false,
    mention_everyone: false,
    mention_roles: [],
    attachments: [],
    embeds: [],
    components: [],
    pinned: false,
    type: 0,
    flags: 0,
  };
  if (!inGuild)
    return { ...common, channel_id: dmChannelId(author), channel_type: 1, mentions: [] };
  return {
    ...common,
    channel_id: w.channelId,
    channel_type: 0,
    guild_id: w.guildId,
    member: { ...member(w, author), user: undefined },
    mentions: (opts.mentions ?? []).map((u) => ({
      ...u,
      member: { ...member(w, u), user: undefined },
    })),
  };
}
