// createDiscordBot(deps): the discord.js Client wired to the assistant. main.ts calls start()
// when DISCORD_TOKEN is set and stop() on shutdown. Commands are registered apart, by
// scripts/discord-register.ts, never on start.
import { Client, Events, GatewayIntentBits, Partials } from 'discord.js';
import type { Logger } from '../../src/shared/logger.js';
import type { Assistant } from '../../src/assistant/assistant.types.js';
import { loadCommands } from './command.registry.js';
import { commandModules } from './commands/index.js';
import { createInteractionListener } from './discord.gateway-interactions.js';
import { createMessageListener } from './discord.messages.js';
import type { CatalogLookup, Command } from './discord.types.js';

export interface DiscordBotDeps {
  token: string;
  assistant: Assistant;
  catalog: CatalogLookup;
  logger: Logger;
  /** REST base, e.g. DISCORD_API_BASE; default https://discord.com/api. The gateway address
   * comes from GET /gateway/bot as in production. */
  apiBase?: string;
  /** Defer an interaction when the assistant has not answered after this long (default 1500). */
  deferAfterMs?: number;
  /** Command modules (default: every module in commands/). */
  commands?: readonly Command[];
}

export interface DiscordBot {
  client: Client;
  /** Logs in and resolves once the client is ready (all guilds received). */
  start(): Promise<void>;
  stop(): Promise<void>;
}

export function createDiscordBot(deps: DiscordBotDeps): DiscordBot {
  const logger = deps.logger.child({ bot: 'discord' });
  const commands = loadCommands(deps.commands ?? commandModules);
  const client = new Client({
    intents: [
      GatewayIntentBits.Guilds,
      GatewayIntentBits.GuildMessages,
      GatewayIntentBits.DirectMessages,
      GatewayIntentBits.MessageContent,
    ],
    // DM channels are not cached before their first message arrives.
    partials: [Partials.Channel],
    allowedMentions: { parse: [] },
    ...(deps.apiBase ? { rest: { api: deps.apiBase } } : {}),
  });

  const onInteraction = createInteractionListener({
    assistant: deps.assistant,
    catalog: deps.catalog,
    commands,
    logger,
    deferAfterMs: deps.deferAfterMs ?? 1500,
  });
  const onMessage = createMessageListener({ assistant: deps.assistant, logger });
  client.on(Events.InteractionCreate, (i) => void onInteraction(i));
  client.on(Events.MessageCreate, (m) => void onMessage(m));
  client.on(Events.Error, (err) => logger.error({ err }, 'discord client error'));
  client.on(Events.Warn, (message) => logger.warn(message));
  client.on(Events.ShardDisconnect, (event, shard) =>
    logger.warn({ code: event.code, shard }, 'gateway disconnected'),
  );

  return {
    client,
    async start() {
      const ready = new Promise<void>((resolve) =>
        client.once(Events.ClientReady, () => resolve()),
      );
      await client.login(deps.token);
      await ready;
      logger.info(
        { user: client.user?.tag, guilds: client.guilds.cache.size, commands: commands.size },
        'discord bot ready',
      );
    },
    async stop() {
      await client.destroy();
      logger.info('discord bot stopped');
    },
  };
}
