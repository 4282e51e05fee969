// Signed web-chat session cookies: the cookie names a random session id, and an HMAC over it
// proves the server issued it. Without an API key, /v1/chat acts only as this web session.
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

export const SESSION_COOKIE = 'xf_session';

export function createSessionSigner(secret: string) {
  const mac = (id: string) => createHmac('sha256', secret).update(`web-session:${id}`).digest('base64url');
  return {
    issue(): { id: string; cookie: string } {
      const id = randomBytes(16).toString('base64url');
      return { id, cookie: `${id}.${mac(id)}` };
    },
    /** The session id of a cookie value, or undefined when it is forged or malformed. */
    verify(value: string | undefined): string | undefined {
      if (!value) return undefined;
      const [id, sig] = value.split('.');
      if (!id || !sig || !/^[\w-]{16,64}$/.test(id)) return undefined;
      const want = Buffer.from(mac(id));
      const got = Buffer.from(sig);
      return want.length === got.length && timingSafeEqual(want, got) ? id : undefined;
    },
  };
}

export type SessionSigner = ReturnType<typeof createSessionSigner>;
