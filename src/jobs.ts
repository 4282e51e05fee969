// Periodic jobs inside the service: ledger expiry (holds and lots). Each run is idempotent,
// so several instances may run it; a run never overlaps itself within one process.
import type { AppServices } from './app.services.js';

export function startJobs(s: AppServices) {
  const everyMs = s.config.JOBS_INTERVAL_SECONDS * 1000;
  let running: Promise<void> | undefined;
  const log = s.logger.child({ module: 'jobs' });
  const tick = () => {
    if (running) return;
    running = (async () => {
      try {
        await s.ledger.runExpiry();
      } catch (err) {
        log.error({ err }, 'ledger expiry failed');
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
