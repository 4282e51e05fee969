// The Discord adapter's public surface, for main.ts and the scripts.
export { createDiscordBot, type DiscordBot, type DiscordBotDeps } from './discord.bot.js';
export {
  createDiscordInteractionHandler,
  type DiscordInteractionHandler,
  type HttpInteractionDeps,
} from './discord.http-interactions.js';
export {
  discordInteractionsRoutes,
  checkDiscordSignature,
  type DiscordInteractionsRoutesDeps,
} from './discord.interactions.routes.js';
export { registerCommands, type RegisterOptions } from './discord.register.js';
export { loadCommands, type CommandRegistry } from './command.registry.js';
export { commandModules } from './commands/index.js';
export type { CatalogLookup, CatalogEntry, Command } from './discord.types.js';
export { createCatalogLookup } from './discord.catalog.js';
