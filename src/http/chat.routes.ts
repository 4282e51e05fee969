// POST /v1/chat: one turn with the assistant. Without an API key the caller is the `web` user
// of its session cookie (a server-side session, issued on the first request; a forged, expired
// or revoked one is replaced), so an anonymous browser can never act as a Telegram or Discord
// user. With a service or admin key the caller names any channel identity in `user`.
// Floods are refused with 429 before anything is written: per client address and per session
// without a key (new sessions per address too), per channel identity with one (a backend's
// own address speaks for many people, so it is not what is counted).
import { randomUUID } from 'node:crypto';
import { createRoute, z } from '@hono/zod-openapi';
import { getCookie } from 'hono/cookie';
import { newRouter } from './router.js';
import { storableText } from './text-guard.js';
import {
  errorResponses,
  json,
  jsonBody,
  rateLimitedResponses,
  security,
} from './common.schemas.js';
import { DomainError } from '../shared/errors.js';
import { SESSION_COOKIE, webSessionCookies } from './web-session.js';
import { clientIp } from './client-ip.js';
import type { AppServices } from '../app.services.js';
import type { InboundUser } from '../assistant/assistant.types.js';

export const MAX_CHAT_TEXT = 10_000;

const ChatUser = z
  .object({
    channel: z.enum(['web', 'telegram', 'discord']),
    externalId: z.string().trim().min(1).max(128).optional().openapi({
      description: 'Required with an API key; ignored without one (the session cookie decides)',
    }),
    displayName: z.string().trim().max(100).optional(),
    languageCode: z.string().trim().max(20).optional(),
  })
  .openapi('ChatUser');

const ChatRequest = z
  .object({
    user: ChatUser,
    // Whatever a person types gets an answer: text the database cannot store is cleaned, not refused.
    text: z.string().max(MAX_CHAT_TEXT).transform(storableText).optional(),
    action: z
      .string()
      .min(1)
      .max(200)
      .optional()
      .openapi({ description: 'Id of a button from a previous reply' }),
    messageId: z
      .string()
      .min(1)
      .max(100)
      .regex(/^[\x21-\x7e]+$/, 'printable ASCII without spaces')
      .optional()
      .openapi({ description: 'Client message id: a retry with the same id is the same event' }),
    ref: z
      .string()
      .regex(/^[A-Za-z0-9_-]{1,60}$/, 'a referral code')
      .optional()
      .openapi({
        description:
          "A referral code to accept (an invite link opens the web chat with it): the turn is the bot's /start ref_<code>",
      }),
  })
  .refine((b) => [b.text, b.action, b.ref].filter((v) => v !== undefined).length === 1, {
    message: 'send exactly one of text, action or ref',
    path: ['text'],
  })
  .openapi('ChatRequest');

const ButtonSchema = z
  .object({ id: z.string(), label: z.string(), url: z.string().optional() })
  .openapi('ChatButton');
const ChatResponse = z
  .object({
    intent: z.string(),
    confidence: z.number(),
    entities: z.record(z.string(), z.unknown()),
    lang: z.enum(['zh', 'en']),
    replies: z.array(
      z.object({
        text: z.string(),
        buttons: z.array(ButtonSchema).optional(),
        cards: z
          .array(
            z.object({
              title: z.string(),
              subtitle: z.string().optional(),
              buttons: z.array(ButtonSchema).optional(),
            }),
          )
          .optional(),
        private: z.boolean().optional(),
      }),
    ),
  })
  .openapi('ChatResponse');

export function chatRoutes(s: AppServices) {
  const r = newRouter();
  const sessions = webSessionCookies(s);

  r.openapi(
    createRoute({
      method: 'post',
      path: '/chat',
      tags: ['assistant'],
      security: [...security, {}],
      summary: 'One turn with the assistant (text or a pressed button)',
      description:
        'Without an API key: acts only as the web user of the `xf_session` session cookie (a new session when missing, forged, expired or revoked); `user.externalId` is ignored and any other channel is refused with 403. With a service or admin key: acts for the channel identity in `user` (externalId required). Too many turns (per session and client address without a key, per channel identity with one), new sessions per address, check-ins or redemptions answer 429 with `Retry-After`.',
      request: { body: jsonBody(ChatRequest) },
      responses: { 200: json(ChatResponse), ...errorResponses, ...rateLimitedResponses },
    }),
    async (c) => {
      const body = c.req.valid('json');
      const role = c.get('role');
      const u = body.user;
      let user: InboundUser;
      if (!role) {
        if (u.channel !== 'web')
          throw new DomainError(
            'forbidden',
            'without an API key /v1/chat acts only as the web chat user of this browser session',
          );
        // Counted by the cookie's public part before any database work: a flood on one cookie costs
        // nothing, and is refused before it uses up the allowance of its address (its neighbours').
        const selector = /^([\w-]{16,64})\./.exec(getCookie(c, SESSION_COOKIE) ?? '')?.[1];
        if (selector) await s.limits.chatSession.consume(selector);
        const ip = clientIp(c, s.config.TRUST_PROXY);
        await s.limits.chatIp.consume(ip);
        const { webKey, created } = await sessions.resolve(c, ip);
        if (created) await s.limits.chatSession.consume(created.selector); // its first turn counts too
        user = {
          channel: 'web',
          externalId: webKey,
          displayName: u.displayName || undefined,
          languageCode: u.languageCode || undefined,
        };
      } else {
        if (!u.externalId)
          throw new DomainError(
            'invalid_input',
            'user.externalId is required when acting with an API key',
            [{ path: 'user.externalId', message: 'Required' }],
          );
        await s.limits.chatUser.consume(`${u.channel}:${u.externalId}`);
        user = {
          channel: u.channel,
          externalId: u.externalId,
          displayName: u.displayName || undefined,
          languageCode: u.languageCode || undefined,
        };
      }
      const eventId = body.messageId
        ? `chat:${user.channel}:${user.externalId}:${body.messageId}`
        : `chat:${randomUUID()}`;
      const inbound =
        body.action !== undefined
          ? { user, action: body.action, eventId }
          : body.ref !== undefined
            ? {
                user,
                command: { name: 'start', args: { ref: body.ref }, text: `ref_${body.ref}` },
                eventId,
              }
            : { user, text: body.text ?? '', eventId };
      // A check-in or redemption refused for a flood makes the whole turn a 429 here (the bots reply instead).
      const result = await s.assistant.handle(inbound, { rethrow: ['rate_limited'] });
      return c.json(result, 200);
    },
  );

  r.openapi(
    createRoute({
      method: 'post',
      path: '/chat/logout',
      tags: ['assistant'],
      security: [{}],
      summary: 'End the web chat session of the `xf_session` cookie',
      description:
        'Revokes the session the cookie names and clears the cookie; the next chat turn starts a new session (a new web user). `revoked` is false when the cookie named no live session.',
      responses: {
        200: json(z.object({ revoked: z.boolean() }).openapi('LogoutResult')),
        ...errorResponses,
      },
    }),
    async (c) => c.json({ revoked: await sessions.logout(c) }, 200),
  );

  return r;
}
