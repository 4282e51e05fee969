// POST /interactions (mounted at /discord): Discord's HTTP interactions endpoint. Every request
// is signed with the application's Ed25519 key over timestamp + raw body; unsigned, badly signed
// or replayed (older than 5 minutes) requests get 401 in our error shape. PING is answered here;
// everything else goes to the handler (createDiscordInteractionHandler).
import { createPublicKey, verify, type KeyObject } from 'node:crypto';
import { Hono } from 'hono';
import { InteractionResponseType, InteractionType, type APIInteraction } from 'discord.js';
import { errorBody } from '../../src/http/errors.js';
import type { DiscordInteractionHandler } from './discord.http-interactions.js';

/** DER prefix of an Ed25519 SubjectPublicKeyInfo; Discord gives the raw 32-byte key in hex. */
const ED25519_SPKI_PREFIX = Buffer.from('302a300506032b6570032100', 'hex');
export const MAX_SIGNATURE_AGE_SECONDS = 300;

export function discordPublicKey(hex: string): KeyObject {
  const raw = Buffer.from(hex, 'hex');
  if (raw.length !== 32) throw new Error('DISCORD_PUBLIC_KEY must be 32 bytes in hex');
  return createPublicKey({ key: Buffer.concat([ED25519_SPKI_PREFIX, raw]), format: 'der', type: 'spki' });
}

export type SignatureCheck = 'ok' | 'missing' | 'invalid' | 'stale';

export function checkDiscordSignature(
  key: KeyObject,
  signature: string | undefined,
  timestamp: string | undefined,
  body: string,
  nowSeconds: number = Date.now() / 1000,
): SignatureCheck {
  if (!signature || !timestamp) return 'missing';
  if (!/^[0-9a-f]{128}$/i.test(signature) || !/^\d{1,12}$/.test(timestamp)) return 'invalid';
  const valid = verify(null, Buffer.from(timestamp + body, 'utf8'), key, Buffer.from(signature, 'hex'));
  if (!valid) return 'invalid';
  // Checked after the signature so the timestamp is the one Discord signed.
  if (Math.abs(nowSeconds - Number(timestamp)) > MAX_SIGNATURE_AGE_SECONDS) return 'stale';
  return 'ok';
}

const MESSAGES: Record<Exclude<SignatureCheck, 'ok'>, string> = {
  missing: 'missing X-Signature-Ed25519 or X-Signature-Timestamp',
  invalid: 'invalid request signature',
  stale: 'request timestamp too old (replay?)',
};

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
    if (interaction.type === InteractionType.Ping) return c.json({ type: InteractionResponseType.Pong });
    return c.json(await deps.handler(interaction));
  });
  return app;
}
