// Users and channel identities: find-or-create by (channel, externalId), one wallet each.
import { DomainError } from '../shared/errors.js';
import { inTransaction, query, queryOne, type Em } from '../db/sql.js';
import type { LedgerService } from '../ledger/ledger.service.js';
import { resolveUserId } from './user.lock.js';

export type Channel = 'telegram' | 'discord' | 'web';

export interface UserView {
  id: number;
  displayName: string | null;
  languageCode: string;
  timeZone: string;
  identities: { channel: Channel; externalId: string }[];
  createdAt: string;
}

export interface UsersDeps {
  em: Em;
  ledger: LedgerService;
  defaultTimeZone: string;
}

export type UsersService = ReturnType<typeof createUsersService>;

class IdentityTaken extends Error {}

export function createUsersService(deps: UsersDeps) {
  /** The user behind an id; a merged user's id answers with the survivor (its id says so). */
  async function get(userId: number, em: Em = deps.em): Promise<UserView> {
    userId = await resolveUserId(em, userId);
    const user = await queryOne<{
      id: string;
      display_name: string | null;
      language_code: string;
      time_zone: string;
      created_at: Date;
    }>(
      em,
      `select id, display_name, language_code, time_zone, created_at from app_user where id = ?`,
      [userId],
    );
    if (!user) throw new DomainError('user_not_found', `no user with id ${userId}`);
    const identities = await query<{ channel: Channel; external_id: string }>(
      em,
      `select channel, external_id from user_identity where user_id = ? order by id`,
      [userId],
    );
    return {
      id: Number(user.id),
      displayName: user.display_name,
      languageCode: user.language_code,
      timeZone: user.time_zone,
      identities: identities.map((i) => ({ channel: i.channel, externalId: i.external_id })),
      createdAt: new Date(user.created_at).toISOString(),
    };
  }

  async function findByIdentity(
    channel: Channel,
    externalId: string,
    em: Em = deps.em,
  ): Promise<number | undefined> {
    const row = await queryOne<{ user_id: string }>(
      em,
      `select user_id from user_identity where channel = ? and external_id = ?`,
      [channel, externalId],
    );
    return row ? Number(row.user_id) : undefined;
  }

  /** Finds the user behind a channel identity, creating user, identity and wallet on first sight. */
  async function upsert(input: {
    channel: Channel;
    externalId: string;
    displayName?: string;
    languageCode?: string;
    username?: string;
  }) {
    const username = input.username
      ? input.username.replace(/^@/, '').toLowerCase().slice(0, 64)
      : null;
    const existing = await findByIdentity(input.channel, input.externalId);
    if (existing) {
      if (username) {
        // Usernames change on the platforms; keep the latest so @mentions resolve.
        await query(
          deps.em,
          `update user_identity set username = ? where channel = ? and external_id = ? and username is distinct from ?`,
          [username, input.channel, input.externalId, username],
        );
      }
      return { user: await get(existing), created: false };
    }
    try {
      const id = await inTransaction(deps.em, async (tx) => {
        const user = await queryOne<{ id: string }>(
          tx,
          `insert into app_user (display_name, language_code, time_zone) values (?, ?, ?) returning id`,
          [input.displayName ?? null, input.languageCode ?? 'zh', deps.defaultTimeZone],
        );
        const userId = Number(user!.id);
        const identity = await query(
          tx,
          `insert into user_identity (user_id, channel, external_id, username) values (?, ?, ?, ?)
           on conflict (channel, external_id) do nothing returning id`,
          [userId, input.channel, input.externalId, username],
        );
        if (!identity.length) throw new IdentityTaken();
        await deps.ledger.userAccount(userId, 'wallet', tx);
        return userId;
      });
      return { user: await get(id), created: true };
    } catch (err) {
      if (!(err instanceof IdentityTaken)) throw err;
      // Another request created this identity at the same moment: that user is the answer.
      const id = await findByIdentity(input.channel, input.externalId);
      return { user: await get(id!), created: false };
    }
  }

  /** Throws user_not_found unless the user exists; returns the id that answers for it (the survivor of a merge). */
  async function assertExists(userId: number, em: Em = deps.em): Promise<number> {
    return resolveUserId(em, userId);
  }

  return { get, upsert, findByIdentity, assertExists };
}
