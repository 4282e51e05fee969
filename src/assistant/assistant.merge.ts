// The assistant's part of merging two users. The survivor may now be the invitee of the merged
// user's referral (rewards moves it), so its next turn asks the referrals service again rather
// than trust the "no reward due" its dialog state remembers: chat check-ins and redemptions
// leave that check to the turn.
import { query, type Em } from '../db/sql.js';

export const assistantMergeHook = {
  async mergeUser(_from: number, into: number, tx: Em): Promise<Record<string, never>> {
    await query(
      tx,
      `update assistant_session set state = state - 'referralSettled' where user_id = ?`,
      [into],
    );
    return {};
  },
};
