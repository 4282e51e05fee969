// POST /v1/chat: one turn with the assistant. Without an API key the caller is the `web` user
// bound to its signed session cookie (issued on the first request; a forged one is replaced),
// so an anonymous browser can never act as a Telegram or Discord user. With a service or admin
// key the caller names any channel identity in `user`.
import { randomBytes, randomUUID } from 'node:crypto';
import { createRoute, z } from '@hono/zod-openapi';
import { getCookie, setCookie } from 'hono/cookie';
import { newRouter } from './router.js';
import { storableText } from './text-guard.js';
import { errorResponses, json, jsonBody, security } from './common.schemas.js';
import { DomainError } from '../shared/errors.js';
import { createSessionSigner, SESSION_COOKIE, type SessionSigner } from './web-session.js';
import type { AppServices } from '../app.services.js';
import type { InboundUser } from '../assistant/assistant.types.js';
import { query, queryOne } from '../db/sql.js';

export const MAX_CHAT_TEXT = 10_000;
const SESSION_SETTING = 'web.session_secret';
const COOKIE_MAX_AGE_S = 365 * 24 * 3600;

const ChatUser = z
  .object({
    channel: z.enum(['web', 'telegram', 'discord']),
    externalId: z.string().trim().min(1).max(128).optional().openapi({ description: 'Required with an API key; ignored without one (the session cookie decides)' }),
    displayName: z.string().trim().max(100).optional(),
    languageCode: z.string().trim().max(20).optional(),
  })
  .openapi('ChatUser');

const ChatRequest = z
  .object({
    user: ChatUser,
    // Whatever a person types gets an answer: text the database cannot store is cleaned, not refused.
    text: z.string().max(MAX_CHAT_TEXT).transform(storableText).optional(),
    action: z.string().min(1).max(200).optional().openapi({ description: 'Id of a button from a previous reply' }),
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
      .openapi({ description: 'A referral code to accept (an invite link opens the web chat with it): the turn is the bot\'s /start ref_<code>' }),
  })
  .refine((b) => [b.text, b.action, b.ref].filter((v) => v !== undefined).length === 1, { message: 'send exactly one of text, action or ref', path: ['text'] })
  .openapi('ChatRequest');

const ButtonSchema = z.object({ id: z.string(), label: z.string(), url: z.string().optional() }).openapi('ChatButton');
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
        cards: z.array(z.object({ title: z.string(), subtitle: z.string().optional(), buttons: z.array(ButtonSchema).optional() })).optional(),
        private: z.boolean().optional(),
      }),
    ),
  })
  .openapi('ChatResponse');

/** The cookie signing secret: SESSION_SECRET, or one generated once and kept in app_setting so
 * restarts and other instances accept the same cookies. */
export function sessionSecretSource(s: AppServices): () => Promise<string> {
  let pending: Promise<string> | undefined;
  const load = async () => {
    if (s.config.SESSION_SECRET) return s.config.SESSION_SECRET;
    await query(s.em, `insert into app_setting (key, value) values (?, ?::jsonb) on conflict (key) do nothing`, [
      SESSION_SETTING,
      JSON.stringify(randomBytes(32).toString('base64url')),
    ]);
    const row = await queryOne<{ value: string }>(s.em, `select value from app_setting where key = ?`, [SESSION_SETTING]);
    if (!row || typeof row.value !== 'string') throw new Error('web session secret is missing from app_setting');
    return row.value;
  };
  return () => (pending ??= load().catch((err) => {
    pending = undefined;
    throw err;
  }));
}

export function chatRoutes(s: AppServices) {
  const r = newRouter();
  const secret = sessionSecretSource(s);
  let signer: SessionSigner | undefined;
  const secure = s.config.PUBLIC_URL.startsWith('https:');

  r.openapi(
    createRoute({
      method: 'post',
      path: '/chat',
      tags: ['assistant'],
      security: [...security, {}],
      summary: 'One turn with the assistant (text or a pressed button)',
      description:
        'Without an API key: acts only as the web user of the signed `xf_session` cookie (issued when missing or forged); `user.externalId` is ignored and any other channel is refused with 403. With a service or admin key: acts for the channel identity in `user` (externalId required).',
      request: { body: jsonBody(ChatRequest) },
      responses: { 200: json(ChatResponse), ...errorResponses },
    }),
    async (c) => {
      const body = c.req.valid('json');
      const role = c.get('role');
      const u = body.user;
      let user: InboundUser;
      if (!role) {
        if (u.channel !== 'web') throw new DomainError('forbidden', 'without an API key /v1/chat acts only as the web chat user of this browser session');
        signer ??= createSessionSigner(await secret());
        let sid = signer.verify(getCookie(c, SESSION_COOKIE));
        if (!sid) {
          const issued = signer.issue();
          sid = issued.id;
          setCookie(c, SESSION_COOKIE, issued.cookie, { httpOnly: true, sameSite: 'Lax', path: '/', maxAge: COOKIE_MAX_AGE_S, secure });
        }
        user = { channel: 'web', externalId: sid, displayName: u.displayName || undefined, languageCode: u.languageCode || undefined };
      } else {
        if (!u.externalId) throw new DomainError('invalid_input', 'user.externalId is required when acting with an API key', [{ path: 'user.externalId', message: 'Required' }]);
        user = { channel: u.channel, externalId: u.externalId, displayName: u.displayName || undefined, languageCode: u.languageCode || undefined };
      }
      const eventId = body.messageId ? `chat:${user.channel}:${user.externalId}:${body.messageId}` : `chat:${randomUUID()}`;
      const result = await s.assistant.handle(
        body.action !== undefined ? { user, action: body.action, eventId }
        : body.ref !== undefined ? { user, command: { name: 'start', args: { ref: body.ref }, text: `ref_${body.ref}` }, eventId }
        : { user, text: body.text ?? '', eventId },
      );
      return c.json(result, 200);
    },
  );

  return r;
}
