// The dialog state kept between turns (assistant.store.ts saves it per user): the language, an
// open confirmation, a half-filled slot and the outcomes of recent confirmations.
import type { Address } from '../../orders/orders.service.js';
import type { Lang } from '../assistant.types.js';

export interface PendingRedemption {
  token: string;
  kind: 'course' | 'item';
  slug: string;
  title: string;
  quantity: number;
  address?: Address;
  quoteId: string | null;
  holdId: number | null;
  cost: number;
  expiresAt: string;
}

export interface SlotState {
  intent: 'redeem_course' | 'buy_course' | 'course_detail' | 'redeem_item';
  need: 'course' | 'item' | 'quantity' | 'address';
  slug?: string;
  quantity?: number;
}

export interface SessionState {
  lang?: Lang;
  pending?: PendingRedemption;
  slot?: SlotState;
  /** Outcomes of recent confirmations, so a second press answers without acting again. */
  done?: { token: string; text: string }[];
  lastGrantId?: number;
  /** No inviter's join reward can be due for this user: turns stop asking the referrals service
   * until a referral is accepted for them (assistant.store.ts referralAccepted). */
  referralSettled?: boolean;
}
