// Who is calling, and whether the permission matrix (permissions.ts) lets them use the matched
// route: the one place the HTTP layer decides auth. Bearer API keys are admin or service keys,
// compared in constant time; the bots prove themselves with their platform's credentials; a
// keyless caller of the web chat is its browser session. 401: no or invalid credentials;
// 403: valid credentials of a kind the route does not take.
import { hash, timingSafeEqual, type KeyObject } from 'node:crypto';
import type { Context, MiddlewareHandler } from 'hono';
import { getCookie } from 'hono/cookie';
import { matchedRoutes } from 'hono/route';
import type { AppEnv, Role } from './http.types.js';
import { errorResponse } from './errors.js';
import { honoPath, type Caller, type Permission } from './permissions.js';
import {
  checkDiscordSignature,
  discordPublicKey,
  DISCORD_SIGNATURE_MESSAGES,
  sameSecret,
  TELEGRAM_SECRET_HEADER,
} from './bot-credentials.js';
import { SESSION_COOKIE } from './web-session.js';

const digest = (s: string) => hash('sha256', s, 'buffer');

export function createKeyring(keys: { admin: string[]; service: string[]; metrics?: string[] }) {
  const entries = [
    ...keys.admin.map((k) => ({ digest: digest(k), role: 'admin' as Role })),
    ...keys.service.map((k) => ({ digest: digest(k), role: 'service' as Role })),
    ...(keys.metrics ?? []).map((k) => ({ digest: digest(k), role: 'metrics' as Role })),
  ];
  return {
    /** Every stored key is compared, so timing says nothing about which one matched. */
    roleOf(key: string): Role | undefined {
      const d = digest(key);
      let role: Role | undefined;
      for (const e of entries) if (timingSafeEqual(d, e.digest) && !role) role = e.role;
      return role;
    },
  };
}

export type Keyring = ReturnType<typeof createKeyring>;

export interface PermissionDeps {
  matrix: Permission[];
  keyring: Keyring;
  /** TELEGRAM_WEBHOOK_SECRET: what Telegram sends in its secret header. */
  telegramSecret?: string;
  /** DISCORD_PUBLIC_KEY (hex). */
  discordPublicKey?: string;
  /** Whether a cookie value is a live web chat session (only asked to tell a 403 from a 401). */
  isWebSession(cookie: string): Promise<boolean>;
}

const KIND: Record<Caller, string> = {
  admin: 'an admin API key',
  service: 'a service API key',
  metrics: 'METRICS_TOKEN',
  web: 'the web chat session',
  telegram: 'the Telegram webhook secret',
  discord: 'a Discord signature',
  public: 'anyone',
};
const listOf = (allow: readonly Caller[]) => allow.map((a) => KIND[a]).join(' or ');

/** Enforces the matrix on the route Hono matched. A request no handler matches goes on to the
 * 404/405 answer: there is nothing to protect, and the OpenAPI document is public anyway. */
export function enforcePermissions(deps: PermissionDeps): MiddlewareHandler<AppEnv> {
  const byRoute = new Map(deps.matrix.map((p) => [`${p.method} ${honoPath(p.path)}`, p]));
  const discordKey: KeyObject | undefined = deps.discordPublicKey
    ? discordPublicKey(deps.discordPublicKey)
    : undefined;

  /** undefined when the platform's credentials are absent; else whether they hold. */
  const bot = {
    telegram: (c: Context) => {
      const given = c.req.header(TELEGRAM_SECRET_HEADER);
      return given === undefined
        ? undefined
        : { ok: sameSecret(given, deps.telegramSecret), why: `wrong ${TELEGRAM_SECRET_HEADER}` };
    },
    discord: async (c: Context) => {
      const signature = c.req.header('x-signature-ed25519');
      const timestamp = c.req.header('x-signature-timestamp');
      if (signature === undefined && timestamp === undefined) return undefined;
      // Hono keeps the text, so the route reads the same body again.
      const check = discordKey
        ? checkDiscordSignature(discordKey, signature, timestamp, await c.req.text())
        : 'invalid';
      return { ok: check === 'ok', why: check === 'ok' ? '' : DISCORD_SIGNATURE_MESSAGES[check] };
    },
  };

  return async (c, next) => {
    // Middleware is registered for every method ('ALL'); a route's handlers name theirs.
    const route = matchedRoutes(c).find((r) => r.method !== 'ALL');
    if (!route) return next();
    const rule = byRoute.get(`${route.method} ${route.path}`);
    const where = `${route.method} ${route.path}`;
    if (!rule) {
      c.get('log')().error({ route: where }, 'route missing from the permission matrix: refused');
      return errorResponse(c, 'forbidden', `${where} is not in the permission matrix`, {
        allowed: [],
      });
    }
    const { allow } = rule;
    if (allow.includes('public')) return next();
    const details = { allowed: allow };
    const unauthorized = (message: string) => errorResponse(c, 'unauthorized', message, details);
    const forbidden = (caller: Caller) =>
      errorResponse(c, 'forbidden', `${where} takes ${listOf(allow)}, not ${KIND[caller]}`, {
        ...details,
        caller,
      });

    const header = c.req.header('authorization');
    if (header !== undefined) {
      const m = /^Bearer\s+(\S+)\s*$/i.exec(header);
      const role = m ? deps.keyring.roleOf(m[1]!) : undefined;
      if (!role) return unauthorized('the API key is not valid');
      if (!allow.includes(role)) return forbidden(role);
      c.set('role', role);
      return next();
    }
    for (const platform of ['telegram', 'discord'] as const) {
      if (!allow.includes(platform)) continue;
      const proof = await bot[platform](c);
      if (proof) return proof.ok ? next() : unauthorized(proof.why);
    }
    // The route binds a keyless caller to its session, issuing one when missing or forged.
    if (allow.includes('web')) return next();

    // Refused either way; valid credentials of another kind make it a 403, not a 401.
    const cookie = getCookie(c, SESSION_COOKIE);
    if (cookie && (await deps.isWebSession(cookie))) return forbidden('web');
    for (const platform of ['telegram', 'discord'] as const)
      if ((await bot[platform](c))?.ok) return forbidden(platform);
    return unauthorized(
      allow.includes('admin') || allow.includes('service')
        ? 'an API key is required (Authorization: Bearer <key>)'
        : `${listOf(allow)} is required`,
    );
  };
}
