// Web chat sessions as rows: a token `<selector>.<secret>` names a row by its selector and
// proves itself by the secret, of which only a SHA-256 is stored. Each use slides the expiry;
// the secret rotates once it is older than the rotation age (the web user stays the same); a
// logout or an admin revokes rows. A revoked or expired token is no session at all.
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { HOUR, MINUTE, type Clock } from '../shared/clock.js';
import { query, queryOne, type Em } from '../db/sql.js';
import { resolveUserId } from './user.lock.js';

/** How long the secret before a rotation still works: requests already under way carry it. */
export const ROTATION_GRACE_MS = 2 * MINUTE;

const TOKEN = /^([\w-]{24})\.([\w-]{43})$/;

const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');
const sameHash = (a: string, b: string | null) =>
  b !== null && a.length === b.length && timingSafeEqual(Buffer.from(a), Buffer.from(b));
const newSecret = () => randomBytes(32).toString('base64url');

export interface WebSessionUse {
  id: number;
  /** The web identity's external id: the browser's web user is `web:<webKey>`. */
  webKey: string;
  /** Set when this use rotated the secret: the browser must get this token instead. */
  token?: string;
}

export function createWebSessionsService(deps: {
  em: Em;
  clock: Clock;
  ttlHours: number;
  rotateHours: number;
}) {
  const ttlMs = deps.ttlHours * HOUR;
  const rotateMs = deps.rotateHours * HOUR;
  const iso = (ms: number) => new Date(ms).toISOString();

  async function insert(
    webKey: string,
    onlyForIdentity: boolean,
  ): Promise<{ id: number; token: string } | undefined> {
    const selector = randomBytes(18).toString('base64url');
    const secret = newSecret();
    const now = deps.clock.now().getTime();
    const row = await queryOne<{ id: string }>(
      deps.em,
      `insert into web_session (selector, secret_hash, web_key, created_at, last_used_at, expires_at, rotated_at)
       select ?, ?, ?, ?::timestamptz, ?::timestamptz, ?::timestamptz, ?::timestamptz
        where ${onlyForIdentity ? `exists (select 1 from user_identity where channel = 'web' and external_id = ?)` : 'true'}
       on conflict (web_key) do nothing returning id`,
      [
        selector,
        sha256(secret),
        webKey,
        iso(now),
        iso(now),
        iso(now + ttlMs),
        iso(now),
        ...(onlyForIdentity ? [webKey] : []),
      ],
    );
    return row ? { id: Number(row.id), token: `${selector}.${secret}` } : undefined;
  }

  /** A new session for a new web user. */
  async function create(): Promise<{ id: number; webKey: string; token: string }> {
    for (;;) {
      const webKey = randomBytes(16).toString('base64url');
      const made = await insert(webKey, false);
      if (made) return { ...made, webKey };
    }
  }

  /**
   * A session for the web user of a cookie signed by an earlier version (before sessions were
   * rows): only when that web user exists and never had a session row, so it works once.
   */
  async function adoptLegacy(
    webKey: string,
  ): Promise<{ id: number; webKey: string; token: string } | undefined> {
    const made = await insert(webKey, true);
    return made && { ...made, webKey };
  }

  /** The row a token names, when it is a live session and the token's secret is good for it. */
  async function find(token: string | undefined, now: number) {
    const m = token ? TOKEN.exec(token) : null;
    if (!m) return undefined;
    const row = await queryOne<{
      id: string;
      web_key: string;
      secret_hash: string;
      previous_secret_hash: string | null;
      rotated_at: Date;
    }>(
      deps.em,
      `select id, web_key, secret_hash, previous_secret_hash, rotated_at from web_session
        where selector = ? and revoked_at is null and expires_at > ?::timestamptz`,
      [m[1], iso(now)],
    );
    if (!row) return undefined;
    const hash = sha256(m[2]!);
    const rotatedAt = new Date(row.rotated_at).getTime();
    const current = sameHash(hash, row.secret_hash);
    // The secret before the last rotation stays good until the next rotation is due: the answer
    // that carried the new one may never have reached the browser (a dropped connection, a
    // closed tab), and that browser must not lose its web user. Past the grace of requests
    // already under way, using it rotates again (see use()).
    const previous =
      !current &&
      sameHash(hash, row.previous_secret_hash) &&
      now - rotatedAt < Math.max(rotateMs, ROTATION_GRACE_MS);
    if (!current && !previous) {
      // The selector of a live session with a secret it never had: a guess or a stolen, stale
      // copy. The session ends; the browser that really holds it starts a new one.
      await query(
        deps.em,
        `update web_session set revoked_at = ?::timestamptz where id = ? and revoked_at is null`,
        [iso(now), row.id],
      );
      return undefined;
    }
    return {
      selector: m[1]!,
      row,
      current,
      stalePrevious: previous && now - rotatedAt >= ROTATION_GRACE_MS,
      rotatedAt,
    };
  }

  /** Whether a token names a live session, without using it (no sliding, no rotation). */
  async function isLive(token: string | undefined): Promise<boolean> {
    return (await find(token, deps.clock.now().getTime())) !== undefined;
  }

  /** A new secret for a session (the one given up stays the previous one only when `keepPrevious`). */
  async function rotate(
    id: number,
    expectHash: string,
    now: number,
    keepPrevious: boolean,
  ): Promise<string | undefined> {
    const secret = newSecret();
    // Only the first of concurrent requests rotates; the others keep the secret they hold.
    const rotated = await query(
      deps.em,
      `update web_session set secret_hash = ?, previous_secret_hash = ${keepPrevious ? 'previous_secret_hash' : 'secret_hash'}, rotated_at = ?::timestamptz,
          last_used_at = ?::timestamptz, expires_at = ?::timestamptz where id = ? and ${keepPrevious ? 'previous_secret_hash' : 'secret_hash'} = ? and revoked_at is null returning id`,
      [sha256(secret), iso(now), iso(now), iso(now + ttlMs), id, expectHash],
    );
    return rotated.length ? secret : undefined;
  }

  /** The live session a token names (sliding its expiry, rotating its secret when due), if any. */
  async function use(token: string | undefined): Promise<WebSessionUse | undefined> {
    const now = deps.clock.now().getTime();
    const found = await find(token, now);
    if (!found) return undefined;
    const { selector, row, current, stalePrevious, rotatedAt } = found;
    const id = Number(row.id);
    // Due, or the browser still holds the secret before the last rotation: it gets a new one
    // (in the second case the unseen one is dropped and the previous kept until it arrives).
    const due = current && now - rotatedAt >= rotateMs;
    if (due || stalePrevious) {
      const secret = await rotate(id, due ? row.secret_hash : row.previous_secret_hash!, now, !due);
      if (secret) return { id, webKey: row.web_key, token: `${selector}.${secret}` };
    }
    await query(
      deps.em,
      `update web_session set last_used_at = ?::timestamptz, expires_at = greatest(expires_at, ?::timestamptz) where id = ? and revoked_at is null`,
      [iso(now), iso(now + ttlMs), id],
    );
    return { id, webKey: row.web_key };
  }

  /** Logout: revokes the session a token names; false when it names no live session. */
  async function revokeToken(token: string | undefined): Promise<boolean> {
    const s = await use(token);
    if (!s) return false;
    await query(
      deps.em,
      `update web_session set revoked_at = ?::timestamptz where id = ? and revoked_at is null`,
      [deps.clock.now().toISOString(), s.id],
    );
    return true;
  }

  /**
   * Revokes every web session of a user (a merged user's are its survivor's). Web identities
   * without a row get a revoked one, so a cookie of an earlier version cannot be adopted later.
   */
  async function revokeUser(userId: number): Promise<{ userId: number; revoked: number }> {
    const id = await resolveUserId(deps.em, userId);
    const now = deps.clock.now().toISOString();
    const revoked = await query(
      deps.em,
      `update web_session set revoked_at = ?::timestamptz
        where revoked_at is null and expires_at > ?::timestamptz
          and web_key in (select external_id from user_identity where channel = 'web' and user_id = ?) returning id`,
      [now, now, id],
    );
    await query(
      deps.em,
      `insert into web_session (selector, secret_hash, web_key, created_at, last_used_at, expires_at, rotated_at, revoked_at)
       select substr(md5(random()::text || i.id::text), 1, 24), md5(random()::text), i.external_id, ?::timestamptz, ?::timestamptz,
              ?::timestamptz, ?::timestamptz, ?::timestamptz
         from user_identity i where i.channel = 'web' and i.user_id = ?
       on conflict do nothing`,
      [now, now, now, now, now, id],
    );
    return { userId: id, revoked: revoked.length };
  }

  return { create, adoptLegacy, isLive, use, revokeToken, revokeUser };
}
