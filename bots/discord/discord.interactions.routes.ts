// POST /interactions (mounted at /discord): Discord's HTTP interactions endpoint. Every request
// is signed with the application's Ed25519 key over timestamp + raw body; unsigned, badly signed
// or replayed (older than 5 minutes) requests get 401 in our error shape. PING is answered here;
// everything else goes to the handler (createDiscordInteractionHandler).
import { Hono } from 'hono';
import { InteractionResponseType, InteractionType, type APIInteraction } from 'discord.js';
import { errorBody } from '../../src/http/errors.js';
// The checks live beside the permission middleware (src/http/permissions.ts), which runs them
// first; this route repeats them so it is safe mounted on its own too.
import {
  checkDiscordSignature,
  discordPublicKey,
  DISCORD_SIGNATURE_MESSAGES as MESSAGES,
} from '../../src/http/bot-credentials.js';
import type { DiscordInteractionHandler } from './discord.http-interactions.js';

export interface DiscordInteractionsRoutesDeps {
  /** DISCORD_PUBLIC_KEY: 64 hex characters. */
  publicKey: string;
  handler: DiscordInteractionHandler;
  /** Seconds since the epoch; tests pass a fixed clock. */
  now?: () => number;
}

export function discordInteractionsRoutes(deps: DiscordInteractionsRoutesDeps) {
  const key = discordPublicKey(deps.publicKey);
  const app = new Hono();
  app.post('/interactions', async (c) => {
    const body = await c.req.text();
    const check = checkDiscordSignature(
      key,
      c.req.header('x-signature-ed25519'),
      c.req.header('x-signature-timestamp'),
      body,
      deps.now?.(),
    );
    if (check !== 'ok') return c.json(errorBody('unauthorized', MESSAGES[check]), 401);
    let interaction: APIInteraction;
    try {
      interaction = JSON.parse(body) as APIInteraction;
    } catch {
      return c.json(errorBody('invalid_input', 'the request body is not valid JSON'), 400);
    }
    if (interaction.type === InteractionType.Ping)
      return c.json({ type: InteractionResponseType.Pong });
    return c.json(await deps.handler(interaction));
  });
  return app;
}
