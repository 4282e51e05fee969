// Refusals of the rewards module (rules, grants, check-ins, referrals). Type-only and importing
// nothing, so src/shared/errors.ts can gather every module's codes without a cycle; their HTTP
// statuses live in src/http/error-status.ts.
export type RewardsErrorCode =
  | 'rule_not_found'
  | 'grant_not_found'
  | 'not_moderator'
  | 'already_checked_in'
  | 'referral_rejected';
