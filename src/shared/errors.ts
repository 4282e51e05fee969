// Expected failures are DomainErrors with stable codes; each adapter maps codes to its
// transport (HTTP status, chat reply). Broken invariants are plain Errors and stay 500s.

export const ERROR_STATUS = {
  invalid_input: 400,
  unauthorized: 401,
  invalid_signature: 401,
  forbidden: 403,
  tier_required: 403,
  not_moderator: 403,
  not_enrolled: 403,
  pay_token_invalid: 403,
  not_found: 404,
  user_not_found: 404,
  entry_not_found: 404,
  hold_not_found: 404,
  course_not_found: 404,
  item_not_found: 404,
  order_not_found: 404,
  rule_not_found: 404,
  grant_not_found: 404,
  link_code_invalid: 404,
  quote_not_found: 404,
  method_not_allowed: 405,
  idempotency_conflict: 409,
  idempotency_in_progress: 409,
  already_reversed: 409,
  not_reversible: 409,
  hold_not_active: 409,
  hold_expired: 409,
  out_of_stock: 409,
  already_enrolled: 409,
  limit_reached: 409,
  already_checked_in: 409,
  already_reviewed: 409,
  already_exists: 409,
  quote_expired: 409,
  quote_mismatch: 409,
  referral_rejected: 409,
  invalid_state: 409,
  refund_not_allowed: 409,
  order_pending: 409,
  conflict: 409,
  payload_too_large: 413,
  unsupported_media_type: 415,
  insufficient_points: 422,
  hold_amount_exceeded: 422,
  unprocessable: 422,
  too_many_requests: 429,
  rate_limited: 429,
  payment_provider_error: 502,
  unavailable: 503,
  payments_unavailable: 503,
} as const;

export type ErrorCode = keyof typeof ERROR_STATUS;

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
