// Builders for business-rule tests: services and app on the harness's database with a
// controllable clock, the demo catalog, funded users and signed sandbox webhooks.
import { createManualClock, type ManualClock } from '../../src/shared/clock.js';
import { createServices, type AppServices } from '../../src/app.services.js';
import { createApp, type App } from '../../src/http/app.js';
import { http, uniqueKey, type Harness } from './harness.js';

export interface Stack {
  h: Harness;
  clock: ManualClock;
  s: AppServices;
  app: App;
  api: ReturnType<typeof http>;
}

/** Services and app sharing the harness's ORM, with a manual clock starting at `start`. */
export async function stackWithClock(
  h: Harness,
  start: Date | string = new Date(),
): Promise<Stack> {
  const clock = createManualClock(start);
  const s = createServices({
    config: h.services.config,
    orm: h.orm,
    logger: h.services.logger,
    clock,
  });
  await s.catalog.seedDemo();
  const app = createApp(s);
  return { h, clock, s, app, api: http(app) };
}

export async function user(
  st: Stack,
  opts: {
    balance?: number;
    channel?: 'telegram' | 'discord' | 'web';
    externalId?: string;
    name?: string;
  } = {},
) {
  const { user: u } = await st.s.users.upsert({
    channel: opts.channel ?? 'web',
    externalId: opts.externalId ?? uniqueKey('u'),
    displayName: opts.name ?? 'Learner',
  });
  if (opts.balance)
    await st.s.ledger.credit({
      key: uniqueKey('fund'),
      userId: u.id,
      amount: opts.balance,
      reason: 'test funds',
      actor: 'test',
    });
  return u;
}

export async function expectLedgerOk(s: AppServices) {
  const r = await s.ledgerQueries.verify();
  if (r.violations.length) throw new Error(`ledger violations: ${r.violations.join('; ')}`);
  return r.totals;
}

export { uniqueKey };
