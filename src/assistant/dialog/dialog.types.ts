// What every intent handler receives and returns. Handlers are plain async functions over the
// application services; they never see a platform.
import type { AppServicesCore } from '../assistant.deps.js';
import type { Entities, IntentId } from '../nlu/nlu.types.js';
import type { Templates } from '../replies/replies.types.js';
import type { Inbound, Lang, Reply } from '../assistant.types.js';
import type { Address } from '../../orders/orders.service.js';

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
}

export interface DialogContext {
  s: AppServicesCore;
  t: Templates;
  lang: Lang;
  userId: number;
  inbound: Inbound;
  session: SessionState;
  intent: IntentId | string;
  entities: Entities;
  /** Free text of this turn (message, /ask text or command text). */
  text: string;
}

export type Handler = (ctx: DialogContext) => Promise<Reply[]>;
