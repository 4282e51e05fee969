// Registers the slash commands with one bulk overwrite (PUT), globally or to one guild (guild
// commands update at once: use them while iterating). Run by `npm run discord:register`, never
// on start: global registration is rate limited and takes a while to spread.
import { REST, Routes, type RESTPutAPIApplicationCommandsResult } from 'discord.js';
import { loadCommands } from './command.registry.js';
import { commandModules } from './commands/index.js';
import type { Command } from './discord.types.js';

export interface RegisterOptions {
  token: string;
  /** Read from GET /applications/@me when absent. */
  applicationId?: string;
  guildId?: string;
  apiBase?: string;
  commands?: readonly Command[];
}

export async function registerCommands(
  opts: RegisterOptions,
): Promise<{ scope: string; names: string[] }> {
  const registry = loadCommands(opts.commands ?? commandModules);
  const rest = new REST(opts.apiBase ? { api: opts.apiBase } : {}).setToken(opts.token);
  const appId =
    opts.applicationId ?? ((await rest.get(Routes.currentApplication())) as { id: string }).id;
  const body = [...registry.values()].map((c) => c.data);
  const route = opts.guildId
    ? Routes.applicationGuildCommands(appId, opts.guildId)
    : Routes.applicationCommands(appId);
  const saved = (await rest.put(route, { body })) as RESTPutAPIApplicationCommandsResult;
  return {
    scope: opts.guildId ? `guild ${opts.guildId}` : 'global',
    names: saved.map((c) => c.name),
  };
}
