// Expected failures are DomainErrors with stable codes; each adapter maps codes to its
// transport (HTTP status in src/http/error-status.ts, chat reply in the reply templates).
// Broken invariants are plain Errors and stay 500s. Each module declares its own codes in
// src/<module>/<module>.errors.ts; the ones below belong to no single module.
import type { CatalogErrorCode } from '../catalog/catalog.errors.js';
import type { LedgerErrorCode } from '../ledger/ledger.errors.js';
import type { MembershipErrorCode } from '../membership/membership.errors.js';
import type { OrdersErrorCode } from '../orders/orders.errors.js';
import type { RewardsErrorCode } from '../rewards/rewards.errors.js';

type SharedErrorCode =
  | 'invalid_input'
  | 'unauthorized'
  | 'forbidden'
  | 'not_found'
  | 'method_not_allowed'
  | 'conflict'
  | 'invalid_state'
  | 'limit_reached'
  | 'idempotency_conflict'
  | 'idempotency_in_progress'
  | 'payload_too_large'
  | 'unsupported_media_type'
  | 'rate_limited'
  | 'unavailable';

export type ErrorCode =
  | SharedErrorCode
  | LedgerErrorCode
  | MembershipErrorCode
  | CatalogErrorCode
  | RewardsErrorCode
  | OrdersErrorCode;

export class DomainError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
    this.name = 'DomainError';
  }
}

export const isDomainError = (e: unknown): e is DomainError => e instanceof DomainError;
