// Refusals of the membership module (users, linking). Type-only and importing nothing, so
// src/shared/errors.ts can gather every module's codes without a cycle; their HTTP statuses
// live in src/http/error-status.ts.
export type MembershipErrorCode = 'user_not_found' | 'link_code_invalid';
