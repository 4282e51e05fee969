// The shapes of a points redemption, shared by the one-step route, the two-step protocol and
// the chat that renders it.
import type { Em } from '../db/sql.js';
import type { Clock } from '../shared/clock.js';
import type { LedgerService } from '../ledger/ledger.service.js';
import type { CatalogService } from '../catalog/catalog.service.js';
import type { MembershipService } from '../membership/membership.service.js';

export interface RedemptionDeps {
  em: Em;
  clock: Clock;
  ledger: LedgerService;
  catalog: CatalogService;
  membership: MembershipService;
  onInteraction?: (userId: number) => Promise<void>;
  /** The caller names every user by the survivor of its merges already (the assistant: its
   * identity look-up follows them), so the protocol does not look the merge chain up again. */
  survivorIds?: boolean;
}

export interface Address {
  name: string;
  phone: string;
  line1: string;
  line2?: string;
  city: string;
  province?: string;
  postalCode?: string;
  country?: string;
}

export type RedeemKind = 'course' | 'item';

export interface RedeemRequest {
  userId: number;
  kind: RedeemKind;
  slug: string;
  quantity?: number;
}

export interface RedeemInput extends RedeemRequest {
  key: string;
  address?: Address;
  quoteId?: string;
}

export interface StartInput extends RedeemRequest {
  address?: Address;
  /** Reserve the quoted points on the ledger until the quote is confirmed, cancelled or expires. */
  hold?: boolean;
}

export interface RedeemResult {
  orderId: number;
  kind: RedeemKind;
  slug: string;
  status: string;
  quantity: number;
  unitPoints: number;
  discountPct: number;
  pointsCharged: number;
  balance: number;
  couponCodes: string[];
  trialUntil: string | null;
}

export interface QuoteView {
  quoteId: string | null;
  kind: RedeemKind;
  slug: string;
  titleZh: string;
  titleEn: string;
  quantity: number;
  basePoints: number;
  unitPoints: number;
  discountPct: number;
  pointsTotal: number;
  tier: string;
  balance: number;
  available: number;
  balanceAfter: number;
  affordable: boolean;
  blocked: { code: string; message: string; details?: Record<string, unknown> } | null;
  expiresAt: string | null;
  /** The ledger hold reserving pointsTotal (a two-step redemption's quote), else null. */
  holdId: number | null;
}
