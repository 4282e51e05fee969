// Refusals the ledger gives (most come back from its database functions as `result.code`).
// Type-only and importing nothing, so src/shared/errors.ts can gather every module's codes
// without a cycle; their HTTP statuses live in src/http/error-status.ts.
export type LedgerErrorCode =
  | 'insufficient_points'
  | 'hold_not_found'
  | 'hold_not_active'
  | 'hold_expired'
  | 'hold_amount_exceeded'
  | 'entry_not_found'
  | 'already_reversed'
  | 'not_reversible';
