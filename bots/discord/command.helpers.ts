// Small builders the command modules share: bilingual descriptions, option shapes and the
// catalog-backed autocomplete. Registration bodies stay plain JSON, as Discord receives them.
import {
  ApplicationCommandOptionType,
  ApplicationIntegrationType,
  InteractionContextType,
  type APIApplicationCommandBasicOption,
} from 'discord.js';
import type { CatalogEntry, Choice } from './discord.types.js';

/** English default plus zh-CN/en-US localizations, as Discord expects for descriptions. */
export function describe(en: string, zh: string) {
  return { description: en, description_localizations: { 'en-US': en, 'zh-CN': zh } };
}

/** Usable in guilds and in the bot's DMs. */
export const anywhere = {
  contexts: [InteractionContextType.Guild, InteractionContextType.BotDM],
  integration_types: [ApplicationIntegrationType.GuildInstall],
};

/** Only in guilds (moderation needs a community). */
export const guildOnly = {
  contexts: [InteractionContextType.Guild],
  integration_types: [ApplicationIntegrationType.GuildInstall],
};

export function stringOption(
  name: string,
  en: string,
  zh: string,
  opts: { required?: boolean; autocomplete?: boolean; maxLength?: number } = {},
): APIApplicationCommandBasicOption {
  return {
    type: ApplicationCommandOptionType.String,
    name,
    ...describe(en, zh),
    required: opts.required ?? false,
    ...(opts.autocomplete ? { autocomplete: true } : {}),
    ...(opts.maxLength ? { max_length: opts.maxLength } : {}),
  };
}

export function integerOption(
  name: string,
  en: string,
  zh: string,
  opts: { required?: boolean; min?: number; max?: number } = {},
): APIApplicationCommandBasicOption {
  return {
    type: ApplicationCommandOptionType.Integer,
    name,
    ...describe(en, zh),
    required: opts.required ?? false,
    ...(opts.min !== undefined ? { min_value: opts.min } : {}),
    ...(opts.max !== undefined ? { max_value: opts.max } : {}),
  };
}

export function userOption(name: string, en: string, zh: string): APIApplicationCommandBasicOption {
  return { type: ApplicationCommandOptionType.User, name, ...describe(en, zh), required: true };
}

/** Discord allows 25 choices, names and values of at most 100 characters. */
export function toChoices(entries: CatalogEntry[]): Choice[] {
  return entries
    .filter((e) => e.slug.length <= 100)
    .slice(0, 25)
    .map((e) => ({ name: e.title.slice(0, 100) || e.slug, value: e.slug }));
}
