// Builds every application service from config, ORM and logger. Channels (HTTP, bots, chat)
// receive this object and never reach past it.
import type { Config } from './config.js';
import type { Orm } from './db/orm.js';
import type { Em } from './db/sql.js';
import type { Logger } from './shared/logger.js';
import { createLedgerService } from './ledger/ledger.service.js';
import { balanceOf, entriesOf } from './ledger/ledger.queries.js';
import { verifyLedger } from './ledger/ledger.verify.js';
import { createUsersService } from './membership/users.service.js';

export function createServices(deps: { config: Config; orm: Orm; logger: Logger }) {
  const { config, orm, logger } = deps;
  const em = orm.em as unknown as Em;
  const ledger = createLedgerService({
    em,
    logger: logger.child({ module: 'ledger' }),
    expiry: { months: config.POINTS_EXPIRY_MONTHS, timeZone: config.TIME_ZONE },
    batching: { maxInFlight: config.LEDGER_BATCH_IN_FLIGHT, maxBatch: config.LEDGER_BATCH_MAX },
  });
  const users = createUsersService({ em, ledger, defaultTimeZone: config.TIME_ZONE });
  const ledgerQueries = {
    balance: (userId: number) => balanceOf(em, userId),
    entries: (userId: number, opts: { limit: number; cursor?: number }) => entriesOf(em, userId, opts),
    verify: () => verifyLedger(em),
  };
  return { config, orm, em, logger, ledger, ledgerQueries, users };
}

export type AppServices = ReturnType<typeof createServices>;
