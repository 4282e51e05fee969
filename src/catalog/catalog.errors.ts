// Refusals of the catalog. Type-only and importing nothing, so src/shared/errors.ts can gather
// every module's codes without a cycle; their HTTP statuses live in src/http/error-status.ts.
export type CatalogErrorCode = 'course_not_found' | 'item_not_found' | 'already_exists';
