// Every entity the ORM knows; the migration generator diffs these against the snapshot.
import { IdempotencyRecord, LedgerAccount, LedgerEntry, LedgerHold, LedgerLot, LedgerLotUse, LedgerPosting } from '../ledger/ledger.entities.js';
import { User, UserIdentity } from '../membership/user.entities.js';

export const entities = [
  User,
  UserIdentity,
  LedgerAccount,
  LedgerEntry,
  LedgerPosting,
  LedgerLot,
  LedgerLotUse,
  LedgerHold,
  IdempotencyRecord,
];
