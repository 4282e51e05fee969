// Refusals of orders: redemptions, paid checkout, payments and reviews. Type-only and importing
// nothing, so src/shared/errors.ts can gather every module's codes without a cycle; their HTTP
// statuses live in src/http/error-status.ts.
export type OrdersErrorCode =
  | 'order_not_found'
  | 'quote_not_found'
  | 'quote_expired'
  | 'quote_mismatch'
  | 'out_of_stock'
  | 'already_enrolled'
  | 'tier_required'
  | 'not_enrolled'
  | 'already_reviewed'
  | 'refund_not_allowed'
  | 'order_pending'
  | 'invalid_signature'
  | 'pay_token_invalid'
  | 'payment_provider_error'
  | 'payments_unavailable';
