// Slash commands, in private chats and groups: parsed into Inbound.command and handed to the
// assistant, which decides what /grant by a non-moderator or /balance in a group means.
import { Composer } from 'grammy';
import type { TelegramContext } from '../telegram.context.js';
import { ASSISTANT_COMMANDS } from '../telegram.commands.js';
import { converse } from '../telegram.converse.js';
import { parseCommand } from '../telegram.inbound.js';

const composer = new Composer<TelegramContext>();

// grammY's command() already skips `/balance@SomeOtherBot` in groups.
composer.command(ASSISTANT_COMMANDS, async (ctx) => {
  const command = parseCommand(ctx.msg) ?? {
    name: ctx.msg.text?.slice(1).split(/[@\s]/)[0] ?? 'help',
  };
  await converse(ctx, { command });
});

export { composer as commandsFeature };
