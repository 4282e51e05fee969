// The Discord adapter's own types: what a command module is, what it needs from the catalog,
// and the plain shapes shared by the gateway (discord.js) and HTTP-interactions paths.
import type {
  APIApplicationCommandOptionChoice,
  RESTPostAPIChatInputApplicationCommandsJSONBody,
} from 'discord.js';
import type { InboundCommand, InboundUser, Lang } from '../../src/assistant/assistant.types.js';

export interface CatalogEntry {
  slug: string;
  title: string;
}

/** Catalog look-ups for autocomplete; main.ts provides one from the catalog service. */
export interface CatalogLookup {
  searchCourses(query: string, lang: Lang): Promise<CatalogEntry[]> | CatalogEntry[];
  searchItems(query: string, lang: Lang): Promise<CatalogEntry[]> | CatalogEntry[];
}

/** The options of one slash-command invocation, the same whichever path it arrived by. */
export interface CommandInput {
  /** Scalar option values by option name. */
  values: Record<string, string | number | boolean>;
  /** User options by option name. */
  users: Record<string, InboundUser>;
}

/** What a command contributes to the Inbound sent to the assistant. */
export interface CommandInbound {
  command: InboundCommand;
  text?: string;
  mentions?: InboundUser[];
}

export interface AutocompleteQuery {
  /** Name of the focused option. */
  option: string;
  /** What the user has typed so far. */
  value: string;
  lang: Lang;
}

export type Choice = APIApplicationCommandOptionChoice<string>;

export interface Command {
  /** The registration body, sent as is by scripts/discord-register.ts. */
  data: RESTPostAPIChatInputApplicationCommandsJSONBody;
  /** The answer is about the user (balance, orders…): when it must be deferred, defer it
   * ephemerally. When the assistant answers in time, its Reply.private decides. */
  personal: boolean;
  /** Maps the options to the assistant's command; the default passes every option as an arg
   * and user options as mentions too. */
  toInbound?(input: CommandInput): CommandInbound;
  /** Choices for the options declared with autocomplete: true. */
  autocomplete?(query: AutocompleteQuery, catalog: CatalogLookup): Promise<Choice[]>;
}

/** Facts about whoever triggered an event, taken from discord.js objects or raw payloads. */
export interface EventFacts {
  eventId: string;
  user: InboundUser;
  guildId: string | null;
  /** Member permissions bit set (guild only). */
  permissions: bigint | null;
  roles: string[];
}
