// The Discord adapter's public surface, for src/bots.ts.
export { createDiscordBot } from './discord.bot.js';
export { createDiscordInteractionHandler } from './discord.http-interactions.js';
export { discordInteractionsRoutes } from './discord.interactions.routes.js';
export { createCatalogLookup } from './discord.catalog.js';
