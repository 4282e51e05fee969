// The channel-neutral contract between every channel (Telegram, Discord, web chat, terminal)
// and the assistant. Adapters build an Inbound from a platform update and render the Replies.

export type Channel = 'telegram' | 'discord' | 'web';
export type Lang = 'zh' | 'en';

export interface InboundUser {
  channel: Channel;
  /** Platform user id (Telegram user id, Discord user id, web session id). Empty only when
   * `usernameOnly` is set. */
  externalId: string;
  displayName?: string;
  /** Platform language code (e.g. Telegram from.language_code, Discord locale); a hint only. */
  languageCode?: string;
  /** Platform username, when there is one (used to resolve @mentions). */
  username?: string;
  /** Set on a mention the platform identifies by username alone (a Telegram `@name` mention:
   * the Bot API cannot look up a user's id from a username). `externalId` is then '' and the
   * assistant resolves the user by `username`. */
  usernameOnly?: boolean;
}

export interface InboundContext {
  /** `telegram:<chatId>` or `discord:<guildId>` for group/guild messages; absent in private chats. */
  community?: string;
  isGroup: boolean;
  /** The platform says this sender administers the community (Telegram chat admin, Discord Manage Server). */
  platformModerator?: boolean;
  /** The sender's platform role ids in this community (Discord member roles), so a role configured
   * as moderator through the API can be honoured. Absent where the platform has no roles. */
  platformRoles?: string[];
  /** Users mentioned in the message, or the author of the message replied to (first). */
  mentions?: InboundUser[];
}

export interface InboundCommand {
  /** Command name without the slash: balance, history, checkin, courses, course, redeem, mall,
   * exchange, orders, tier, top, invite, link, ask, help, start, grant, undo. */
  name: string;
  /** Structured options (Discord slash options, parsed Telegram arguments). */
  args?: Record<string, string | number | undefined>;
  /** The raw text after the command, when the platform gives free text. */
  text?: string;
}

export interface Inbound {
  user: InboundUser;
  /** Free text typed by the user. */
  text?: string;
  /** Id of a button the user pressed (from a previous Reply). */
  action?: string;
  command?: InboundCommand;
  context?: InboundContext;
  /** Unique id of the platform event (Telegram update_id, Discord interaction id): the
   * idempotency key for anything it changes, so a redelivered update never acts twice. */
  eventId: string;
}

export interface Button {
  id: string;
  label: string;
  /** A URL button (e.g. a payment link) instead of a callback. */
  url?: string;
}

export interface Card {
  title: string;
  subtitle?: string;
  buttons?: Button[];
}

export interface Reply {
  text: string;
  buttons?: Button[];
  cards?: Card[];
  /** Personal information: Discord answers it ephemerally; Telegram groups may answer in private. */
  private?: boolean;
}

export interface AssistantResult {
  intent: string;
  confidence: number;
  entities: Record<string, unknown>;
  lang: Lang;
  replies: Reply[];
}

export interface HandleOptions {
  /** Refusals with these codes end the turn with the error (nothing saved) instead of a reply. */
  rethrow?: readonly string[];
}

export interface Assistant {
  handle(inbound: Inbound, opts?: HandleOptions): Promise<AssistantResult>;
}
