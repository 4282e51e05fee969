// interactionCreate over the gateway: slash commands, autocomplete and buttons → assistant →
// reply. One try/catch per event. Acknowledgement state is tracked by discord.js's deferred /
// replied flags, so each interaction is acknowledged exactly once, and within 3 s: if the
// assistant has not answered after deferAfterMs we defer and edit later.
import {
  MessageFlags,
  type AutocompleteInteraction,
  type ButtonInteraction,
  type ChatInputCommandInteraction,
  type Interaction,
  type InteractionReplyOptions,
} from 'discord.js';
import type { Logger } from '../../src/shared/logger.js';
import type { Assistant, Reply } from '../../src/assistant/assistant.types.js';
import type { CommandRegistry } from './command.registry.js';
import {
  actionInbound,
  commandInbound,
  inputFromInteraction,
  interactionFacts,
  langOf,
} from './discord.inbound.js';
import { FAILED, renderReply, type RenderedMessage } from './discord.render.js';
import type { CatalogLookup } from './discord.types.js';
import { withDeferral } from './discord.timing.js';

export interface InteractionDeps {
  assistant: Assistant;
  catalog: CatalogLookup;
  commands: CommandRegistry;
  logger: Logger;
  /** Defer when the assistant takes longer than this (Discord allows 3 s for the first answer). */
  deferAfterMs: number;
}

const UNKNOWN = { zh: '这个命令已不可用。', en: 'This command is no longer available.' };
const EMPTY: Reply = { text: '👌' };

function body(m: RenderedMessage) {
  return {
    content: m.content,
    embeds: m.embeds,
    components: m.components,
    allowedMentions: { parse: [] },
  };
}

function options(m: RenderedMessage, ephemeral: boolean): InteractionReplyOptions {
  return { ...body(m), ...(ephemeral ? { flags: MessageFlags.Ephemeral } : {}) };
}

export function createInteractionListener(deps: InteractionDeps) {
  const { logger } = deps;

  function render(reply: Reply, log: Logger): RenderedMessage {
    const m = renderReply(reply);
    if (m.dropped.length) log.warn({ dropped: m.dropped }, 'buttons not shown');
    return m;
  }

  async function onAutocomplete(i: AutocompleteInteraction) {
    const cmd = deps.commands.get(i.commandName);
    const focused = i.options.getFocused(true);
    const choices = cmd?.autocomplete
      ? await cmd.autocomplete(
          { option: focused.name, value: String(focused.value), lang: langOf(i.locale) },
          deps.catalog,
        )
      : [];
    await i.respond(choices.slice(0, 25));
  }

  async function onCommand(i: ChatInputCommandInteraction, log: Logger) {
    const cmd = deps.commands.get(i.commandName);
    if (!cmd) {
      await i.reply({ content: UNKNOWN[langOf(i.locale)], flags: MessageFlags.Ephemeral });
      return;
    }
    const inbound = commandInbound(cmd, interactionFacts(i), inputFromInteraction(i.options.data));
    const inGuild = i.inGuild();
    const deferEphemeral = inGuild && cmd.personal;
    const result = await withDeferral(deps.assistant.handle(inbound), deps.deferAfterMs, () =>
      i.deferReply(deferEphemeral ? { flags: MessageFlags.Ephemeral } : {}),
    );
    const [first = EMPTY, ...rest] = result.replies;
    const m = render(first, log);
    const priv = inGuild && first.private === true;
    if (!i.deferred) await i.reply(options(m, priv));
    else if (priv && !deferEphemeral) {
      // Deferred in public but the answer is personal: drop the placeholder, answer privately.
      await i.deleteReply();
      await i.followUp(options(m, true));
    } else await i.editReply(body(m));
    for (const r of rest) await i.followUp(options(render(r, log), inGuild && r.private === true));
  }

  async function onButton(i: ButtonInteraction, log: Logger) {
    const inbound = actionInbound(interactionFacts(i), i.customId);
    const result = await withDeferral(deps.assistant.handle(inbound), deps.deferAfterMs, () =>
      i.deferUpdate(),
    );
    const inGuild = i.inGuild();
    const publicMessage = inGuild && !i.message.flags.has(MessageFlags.Ephemeral);
    const [first = EMPTY, ...rest] = result.replies;
    const m = render(first, log);
    // The pressed message is updated with the outcome and its old buttons go away, so a second
    // press of Confirm cannot reach us from this message. A personal outcome on a public message
    // only removes the buttons there and is told privately.
    const hide = publicMessage && first.private === true;
    const update = hide ? { components: [] } : body(m);
    if (i.deferred) await i.editReply(update);
    else await i.update(update);
    if (hide) await i.followUp(options(m, true));
    for (const r of rest) await i.followUp(options(render(r, log), inGuild && r.private === true));
  }

  async function onFailure(i: Interaction) {
    if (!i.isRepliable()) return;
    const body = { content: FAILED[langOf(i.locale)], flags: MessageFlags.Ephemeral } as const;
    if (i.deferred || i.replied) await i.followUp(body);
    else await i.reply(body);
  }

  return async function onInteraction(i: Interaction): Promise<void> {
    const log = logger.child({ interaction: i.id, type: i.type, user: i.user.id });
    const started = performance.now();
    try {
      if (i.isAutocomplete()) await onAutocomplete(i);
      else if (i.isChatInputCommand()) await onCommand(i, log);
      else if (i.isButton()) await onButton(i, log);
      else return;
      log.debug({ ms: Math.round(performance.now() - started) }, 'interaction handled');
    } catch (err) {
      log.error({ err }, 'interaction failed');
      if (i.isAutocomplete()) {
        if (!i.responded)
          await i
            .respond([])
            .catch((e: unknown) => log.warn({ err: e }, 'could not answer autocomplete'));
        return;
      }
      await onFailure(i).catch((e: unknown) =>
        log.warn({ err: e }, 'could not report the failure'),
      );
    }
  };
}
