// Interactions delivered by HTTP (deployments without a gateway connection): the same command
// modules, inbound builders and rendering as the gateway path, over raw payloads. A fast answer
// is the HTTP response itself; a slow one is a deferred response, then PATCH @original + follow-ups
// through REST.
import {
  ApplicationCommandType,
  InteractionResponseType,
  InteractionType,
  MessageFlags,
  PermissionsBitField,
  Routes,
  type APIInteraction,
  type APIInteractionResponse,
  type APIUser,
} from 'discord.js';
import type { REST } from 'discord.js';
import type { Logger } from '../../src/shared/logger.js';
import type { Assistant, Inbound, Reply } from '../../src/assistant/assistant.types.js';
import { loadCommands } from './command.registry.js';
import { commandModules } from './commands/index.js';
import {
  actionInbound,
  commandInbound,
  inputFromApi,
  langOf,
  userFromApi,
} from './discord.inbound.js';
import { FAILED, messageBody, renderReply } from './discord.render.js';
import type { CatalogLookup, Command, EventFacts } from './discord.types.js';

import { sleep, within } from './discord.timing.js';

const OK: Reply = { text: '👌' };

export type DiscordInteractionHandler = (
  interaction: APIInteraction,
) => Promise<APIInteractionResponse>;

export interface HttpInteractionDeps {
  assistant: Assistant;
  catalog: CatalogLookup;
  logger: Logger;
  /** REST client for deferred answers (auth is not needed for interaction webhooks). */
  rest: REST;
  applicationId: string;
  deferAfterMs?: number;
  /** Wait this long after a deferred response before calling the webhook (default 100). */
  settleMs?: number;
  commands?: readonly Command[];
}

function factsOf(i: APIInteraction): EventFacts {
  const user = (i.member?.user ?? i.user) as APIUser;
  return {
    eventId: i.id,
    user: userFromApi(user, i.member ?? null, 'locale' in i ? i.locale : undefined),
    guildId: i.guild_id ?? null,
    permissions: i.member?.permissions
      ? new PermissionsBitField(BigInt(i.member.permissions)).bitfield
      : null,
    roles: (i.member?.roles ?? []).filter((r) => r !== i.guild_id),
  };
}

export function createDiscordInteractionHandler(
  deps: HttpInteractionDeps,
): DiscordInteractionHandler {
  const commands = loadCommands(deps.commands ?? commandModules);
  const deferAfterMs = deps.deferAfterMs ?? 1500;
  const settleMs = deps.settleMs ?? 100;
  const log = deps.logger.child({ bot: 'discord-http' });

  /** Answers in the HTTP response when the assistant is fast and `now` can say it all;
   * otherwise defers and finishes with `later` once the response has had time to reach Discord
   * (a webhook call before it is refused as "unknown interaction"). */
  async function answer(
    inbound: Inbound,
    deferred: APIInteractionResponse,
    now: (first: Reply) => APIInteractionResponse | null,
    later: (replies: Reply[]) => Promise<void>,
  ): Promise<APIInteractionResponse> {
    const work = deps.assistant.handle(inbound);
    const first = await within(work, deferAfterMs);
    const immediate =
      first !== 'late' && first.replies.length <= 1 ? now(first.replies[0] ?? OK) : null;
    if (immediate) return immediate;
    void Promise.all([work, sleep(settleMs)])
      .then(([result]) => later(result.replies.length ? result.replies : [OK]))
      .catch((err: unknown) =>
        log.error({ err, interaction: inbound.eventId }, 'deferred interaction failed'),
      );
    return deferred;
  }

  async function followUps(i: APIInteraction, replies: Reply[], inGuild: boolean) {
    for (const r of replies) {
      await deps.rest.post(Routes.webhook(deps.applicationId, i.token), {
        body: messageBody(renderReply(r), inGuild && r.private === true),
        auth: false,
      });
    }
  }

  return async function handle(i: APIInteraction): Promise<APIInteractionResponse> {
    try {
      return await dispatch(i);
    } catch (err) {
      log.error({ err, interaction: i.id }, 'interaction failed');
      if (i.type === InteractionType.ApplicationCommandAutocomplete) {
        return {
          type: InteractionResponseType.ApplicationCommandAutocompleteResult,
          data: { choices: [] },
        };
      }
      const text = FAILED['locale' in i ? langOf(i.locale) : 'en'];
      return {
        type: InteractionResponseType.ChannelMessageWithSource,
        data: { content: text, flags: MessageFlags.Ephemeral },
      };
    }
  };

  async function dispatch(i: APIInteraction): Promise<APIInteractionResponse> {
    const inGuild = Boolean(i.guild_id);
    if (i.type === InteractionType.Ping) return { type: InteractionResponseType.Pong };
    if (i.type === InteractionType.ApplicationCommandAutocomplete) {
      const cmd = commands.get(i.data.name);
      const focused = i.data.options.find((o) => 'focused' in o && o.focused);
      const choices =
        cmd?.autocomplete && focused && 'value' in focused
          ? await cmd.autocomplete(
              { option: focused.name, value: String(focused.value), lang: langOf(i.locale) },
              deps.catalog,
            )
          : [];
      return {
        type: InteractionResponseType.ApplicationCommandAutocompleteResult,
        data: { choices: choices.slice(0, 25) },
      };
    }
    if (
      i.type === InteractionType.ApplicationCommand &&
      i.data.type === ApplicationCommandType.ChatInput
    ) {
      const cmd = commands.get(i.data.name);
      if (!cmd)
        return {
          type: InteractionResponseType.ChannelMessageWithSource,
          data: { content: 'Unknown command', flags: MessageFlags.Ephemeral },
        };
      const inbound = commandInbound(
        cmd,
        factsOf(i),
        inputFromApi(i.data.options, i.data.resolved),
      );
      const deferEphemeral = inGuild && cmd.personal;
      return answer(
        inbound,
        {
          type: InteractionResponseType.DeferredChannelMessageWithSource,
          data: deferEphemeral ? { flags: MessageFlags.Ephemeral } : {},
        },
        (first) => ({
          type: InteractionResponseType.ChannelMessageWithSource,
          data: messageBody(renderReply(first), inGuild && first.private === true),
        }),
        async ([first, ...rest]) => {
          // The deferred message's visibility is fixed: a personal answer to a public deferral
          // goes out as an ephemeral follow-up instead.
          if (inGuild && first.private && !deferEphemeral) {
            await deps.rest.delete(
              Routes.webhookMessage(deps.applicationId, i.token, '@original'),
              { auth: false },
            );
            rest.unshift(first);
          } else {
            const { flags: _ignored, ...body } = messageBody(renderReply(first));
            await deps.rest.patch(Routes.webhookMessage(deps.applicationId, i.token, '@original'), {
              body,
              auth: false,
            });
          }
          await followUps(i, rest, inGuild);
        },
      );
    }
    if (i.type === InteractionType.MessageComponent && 'custom_id' in i.data) {
      const inbound = actionInbound(factsOf(i), i.data.custom_id);
      const publicMessage = inGuild && ((i.message.flags ?? 0) & MessageFlags.Ephemeral) === 0;
      const update = (first: Reply) => {
        const { flags: _ignored, ...body } = messageBody(renderReply(first));
        return body;
      };
      return answer(
        inbound,
        { type: InteractionResponseType.DeferredMessageUpdate },
        // A personal outcome on a public message needs a follow-up, hence the deferred path.
        (first) =>
          publicMessage && first.private
            ? null
            : { type: InteractionResponseType.UpdateMessage, data: update(first) },
        async ([first, ...rest]) => {
          const hide = publicMessage && first.private === true;
          await deps.rest.patch(Routes.webhookMessage(deps.applicationId, i.token, '@original'), {
            body: hide ? { components: [] } : update(first),
            auth: false,
          });
          await followUps(i, hide ? [first, ...rest] : rest, inGuild);
        },
      );
    }
    return {
      type: InteractionResponseType.ChannelMessageWithSource,
      data: { content: 'Unsupported interaction', flags: MessageFlags.Ephemeral },
    };
  }
}
