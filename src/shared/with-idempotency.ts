// Idempotency is the ledger's (one mechanism, in the database): re-exported for the modules
// that import it from here.
export { scopedKey, withIdempotency } from '../ledger/idempotency.js';
