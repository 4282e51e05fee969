// The web chat session of a keyless caller, from its `xf_session` cookie: a live server-side
// session (see membership/web-sessions.service.ts), a cookie signed by an earlier version
// (adopted once as a session row, so its web user stays reachable), or else a new session for
// a new web user, which is limited per client address before anything is written.
import { createHmac, timingSafeEqual } from 'node:crypto';
import type { Context } from 'hono';
import { deleteCookie, getCookie, setCookie } from 'hono/cookie';
import type { AppServices } from '../app.services.js';
import { getSetting } from '../settings/settings.js';

export const SESSION_COOKIE = 'xf_session';
const LEGACY_SECRET_SETTING = 'web.session_secret';
const MAX_COOKIE_AGE_S = 400 * 24 * 3600;

/** Verifies cookies of the HMAC scheme used before sessions were rows: `<id>.<hmac(id)>`. */
export function createLegacyVerifier(secret: string) {
  const mac = (id: string) =>
    createHmac('sha256', secret).update(`web-session:${id}`).digest('base64url');
  return (value: string | undefined): string | undefined => {
    if (!value) return undefined;
    const [id, sig, extra] = value.split('.');
    if (!id || !sig || extra !== undefined || !/^[\w-]{16,64}$/.test(id)) return undefined;
    const want = Buffer.from(mac(id));
    const got = Buffer.from(sig);
    return want.length === got.length && timingSafeEqual(want, got) ? id : undefined;
  };
}

/**
 * SESSION_SECRET, else the secret an earlier version kept in app_setting; none = no legacy
 * cookies. Found, it is kept; missing, it is looked for again after a minute (an instance of
 * the earlier version may still be running during a rolling deploy).
 */
function legacySecretSource(s: AppServices): () => Promise<string | undefined> {
  let found: string | undefined = s.config.SESSION_SECRET;
  let lookedAt = 0;
  return async () => {
    if (found || Date.now() - lookedAt < 60_000) return found;
    const value = await getSetting(s.em, LEGACY_SECRET_SETTING);
    lookedAt = Date.now();
    if (typeof value === 'string') found = value;
    return found;
  };
}

export function webSessionCookies(s: AppServices) {
  const legacySecret = legacySecretSource(s);
  let legacyVerify: ((v: string | undefined) => string | undefined) | undefined;
  const secure = s.config.PUBLIC_URL.startsWith('https:');
  // The browser keeps the cookie a rotation period past the server's expiry, so the cookie
  // never disappears while the server would still take it (it is re-set at every rotation).
  const maxAge = Math.min(
    MAX_COOKIE_AGE_S,
    (s.config.WEB_SESSION_TTL_HOURS + s.config.WEB_SESSION_ROTATE_HOURS) * 3600,
  );
  const give = (c: Context, token: string) =>
    setCookie(c, SESSION_COOKIE, token, {
      httpOnly: true,
      sameSite: 'Lax',
      path: '/',
      maxAge,
      secure,
    });

  async function legacyKey(cookie: string | undefined): Promise<string | undefined> {
    if (!cookie) return undefined;
    if (!/^[\w-]{16,64}\.[\w-]{43}$/.test(cookie)) return undefined;
    if (!legacyVerify) {
      const secret = await legacySecret();
      if (!secret) return undefined;
      legacyVerify = createLegacyVerifier(secret);
    }
    return legacyVerify(cookie);
  }

  return {
    /** The caller's web user key, issuing (and setting) a new session when the cookie is no live one. */
    async resolve(
      c: Context,
      clientKey: string,
    ): Promise<{ webKey: string; sessionId: number; created?: { selector: string } }> {
      const cookie = getCookie(c, SESSION_COOKIE);
      const live = await s.webSessions.use(cookie);
      if (live) {
        if (live.token) give(c, live.token);
        return { webKey: live.webKey, sessionId: live.id };
      }
      const legacy = await legacyKey(cookie);
      const adopted = legacy ? await s.webSessions.adoptLegacy(legacy) : undefined;
      if (adopted) {
        give(c, adopted.token);
        return { webKey: adopted.webKey, sessionId: adopted.id };
      }
      await s.limits.sessionCreateIp.consume(clientKey);
      const made = await s.webSessions.create();
      give(c, made.token);
      return {
        webKey: made.webKey,
        sessionId: made.id,
        created: { selector: made.token.split('.')[0]! },
      };
    },

    /** Logout: revokes the cookie's session (adopting an earlier version's cookie first) and clears it. */
    async logout(c: Context): Promise<boolean> {
      const cookie = getCookie(c, SESSION_COOKIE);
      let revoked = await s.webSessions.revokeToken(cookie);
      if (!revoked) {
        const legacy = await legacyKey(cookie);
        const adopted = legacy ? await s.webSessions.adoptLegacy(legacy) : undefined;
        if (adopted) revoked = await s.webSessions.revokeToken(adopted.token);
      }
      deleteCookie(c, SESSION_COOKIE, { path: '/', secure, httpOnly: true, sameSite: 'Lax' });
      return revoked;
    },
  };
}
