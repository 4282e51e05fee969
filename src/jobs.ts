// Periodic jobs inside the service: ledger expiry (holds and lots), unpaid-order timeouts,
// pending purchase points whose refund window closed, interrupted refunds, and (once a day)
// tier recomputation. Each run is idempotent, so several instances may run them; a run never
// overlaps itself within one process.
import type { AppServices } from './app.services.js';
import { localDate } from './shared/clock.js';

/** One pass of the business jobs; each is idempotent and safe to run on several instances. */
export async function runBusinessJobs(s: AppServices, opts: { tiers?: boolean } = {}) {
  const expired = await s.checkout.expireUnpaid();
  const released = await s.rewards.releasePending();
  const resumed = await s.checkout.resumeRefunds();
  const tiers = opts.tiers === false ? { changed: 0 } : await s.membership.runDaily();
  return {
    expiredOrders: expired.expired,
    released: released.released,
    resumedRefunds: resumed.resumed,
    tiersChanged: tiers.changed,
  };
}

export function startJobs(s: AppServices) {
  const everyMs = s.config.JOBS_INTERVAL_SECONDS * 1000;
  let running: Promise<void> | undefined;
  let tiersRunOn: string | undefined;
  const log = s.logger.child({ module: 'jobs' });
  const tick = () => {
    if (running) return;
    running = (async () => {
      try {
        await s.ledger.runExpiry();
      } catch (err) {
        log.error({ err }, 'ledger expiry failed');
      }
      try {
        const today = localDate(s.clock.now(), s.config.TIME_ZONE);
        const r = await runBusinessJobs(s, { tiers: tiersRunOn !== today });
        tiersRunOn = today;
        if (r.expiredOrders || r.released || r.resumedRefunds || r.tiersChanged)
          log.info(r, 'business jobs');
      } catch (err) {
        log.error({ err }, 'business jobs failed');
      } finally {
        running = undefined;
      }
    })();
  };
  const timer = everyMs > 0 ? setInterval(tick, everyMs) : undefined;
  timer?.unref();
  if (everyMs > 0) setTimeout(tick, 1000).unref();
  return {
    stop: () => timer && clearInterval(timer),
    idle: async () => {
      await running;
    },
  };
}
