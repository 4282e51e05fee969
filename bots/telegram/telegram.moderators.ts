// "Is this sender an administrator of this chat?" from getChatMember, cached briefly so a busy
// group does not cost one Bot API call per message. Only the platform fact: what a moderator
// may do (grant, undo) is decided by the assistant.
import type { Api } from 'grammy';
import type { Logger } from '../../src/shared/logger.js';

export interface ModeratorCheck {
  isModerator(api: Api, chatId: number, userId: number, logger: Logger): Promise<boolean>;
}

export function createModeratorCheck(
  opts: { ttlMs?: number; now?: () => number; maxEntries?: number } = {},
): ModeratorCheck {
  const ttlMs = opts.ttlMs ?? 60_000;
  const now = opts.now ?? Date.now;
  const maxEntries = opts.maxEntries ?? 10_000;
  const cache = new Map<string, { value: boolean; expires: number }>();

  return {
    async isModerator(api, chatId, userId, logger) {
      const key = `${chatId}:${userId}`;
      const hit = cache.get(key);
      if (hit && hit.expires > now()) return hit.value;
      try {
        const member = await api.getChatMember(chatId, userId);
        const value = member.status === 'creator' || member.status === 'administrator';
        cache.delete(key);
        cache.set(key, { value, expires: now() + ttlMs });
        if (cache.size > maxEntries) cache.delete(cache.keys().next().value!);
        return value;
      } catch (err) {
        // Fail closed and do not cache: a refused grant can be retried, a wrong grant cannot.
        logger.warn(
          { err, chatId, userId },
          'getChatMember failed; treating the sender as a non-moderator',
        );
        return false;
      }
    },
  };
}
