// npm run discord:register: registers the slash commands, to DISCORD_GUILD_ID when set (instant,
// for development) or globally. Needs DISCORD_TOKEN; DISCORD_APPLICATION_ID is optional.
import { ConfigError, createConfig } from '../src/config.js';
import { registerCommands } from '../bots/discord/discord.register.js';

try {
  const config = createConfig();
  if (!config.DISCORD_TOKEN) throw new ConfigError('DISCORD_TOKEN: required to register commands');
  const { scope, names } = await registerCommands({
    token: config.DISCORD_TOKEN,
    applicationId: config.DISCORD_APPLICATION_ID,
    guildId: config.DISCORD_GUILD_ID,
    apiBase: config.DISCORD_API_BASE,
  });
  console.log(
    `registered ${names.length} commands (${scope}): ${names.map((n) => `/${n}`).join(' ')}`,
  );
  process.exit(0);
} catch (err) {
  console.error(err instanceof Error ? err.message : err);
  process.exit(err instanceof ConfigError ? 78 : 1);
}
