// Inline keyboards are single-use: once a button of a message is handled, that message's
// keyboard is replaced, and a second tap (a double tap, or a tap racing the edit) does nothing.
// In memory and bounded: after a restart an unknown message falls through to the assistant,
// whose own state (a hold already confirmed) then decides.

export type Claim = 'fresh' | 'stale' | 'unknown';

export interface KeyboardRegistry {
  /** Records the callback ids a message's keyboard offers (an empty list forgets it). */
  remember(chatId: number, messageId: number, ids: string[]): void;
  /** Takes the button: 'fresh' the first time, 'stale' after; the keyboard is spent either way. */
  claim(chatId: number, messageId: number, id: string): Claim;
  /** Gives a claimed keyboard back, when handling the tap failed and the user may retry. */
  release(chatId: number, messageId: number, ids: string[]): void;
}

export function createKeyboardRegistry(opts: { maxMessages?: number } = {}): KeyboardRegistry {
  const max = opts.maxMessages ?? 10_000;
  // Map keeps insertion order, so the first key is the oldest message: a cheap LRU.
  const live = new Map<string, Set<string>>();
  const key = (chatId: number, messageId: number) => `${chatId}:${messageId}`;

  function remember(chatId: number, messageId: number, ids: string[]) {
    const k = key(chatId, messageId);
    live.delete(k);
    live.set(k, new Set(ids));
    while (live.size > max) live.delete(live.keys().next().value!);
  }

  function claim(chatId: number, messageId: number, id: string): Claim {
    const ids = live.get(key(chatId, messageId));
    if (!ids) return 'unknown';
    if (!ids.has(id)) return 'stale';
    // Spent, not deleted: deleting would make the next tap 'unknown' and let it through.
    live.set(key(chatId, messageId), new Set());
    return 'fresh';
  }

  return { remember, claim, release: remember };
}
