// Flood limits (rate-limiter-flexible, in this process's memory): a refusal is a DomainError
// `rate_limited` carrying how long to wait, thrown before anything is written, so every
// adapter answers it its own way (HTTP 429 + Retry-After, a chat reply) and nothing changes.
import { RateLimiterMemory, RateLimiterRes } from 'rate-limiter-flexible';
import type { Config } from '../config.js';
import { DomainError } from './errors.js';

export interface RateSpec {
  points: number;
  seconds: number;
}

export interface RateLimit {
  readonly name: string;
  /** Counts one call for `key`; throws `rate_limited` when the key is over its limit. */
  consume(key: string | number): Promise<void>;
}

export function createRateLimit(
  name: string,
  spec: RateSpec | null,
  onRefuse?: (name: string) => void,
): RateLimit {
  if (!spec) return { name, consume: async () => undefined };
  const limiter = new RateLimiterMemory({
    keyPrefix: name,
    points: spec.points,
    duration: spec.seconds,
  });
  return {
    name,
    async consume(key) {
      try {
        await limiter.consume(String(key));
      } catch (res) {
        if (!(res instanceof RateLimiterRes)) throw res;
        onRefuse?.(name);
        const retryAfterSeconds = Math.max(1, Math.ceil(res.msBeforeNext / 1000));
        throw new DomainError(
          'rate_limited',
          `too many requests; try again in ${retryAfterSeconds} s`,
          {
            limit: name,
            max: spec.points,
            perSeconds: spec.seconds,
            retryAfterSeconds,
          },
        );
      }
    },
  };
}

/** Every limit of the service, built from the configuration (each `off` is a no-op). */
export function createRateLimits(config: Config, onRefuse?: (name: string) => void) {
  const make = (name: string, spec: RateSpec | null) => createRateLimit(name, spec, onRefuse);
  return {
    /** Keyless chat turns of one web session. */
    chatSession: make('chat_session', config.RATE_LIMIT_CHAT_SESSION),
    /** Keyless chat turns from one client address, all its sessions together. */
    chatIp: make('chat_ip', config.RATE_LIMIT_CHAT_IP),
    /** Chat turns of one channel identity when a service or admin key acts for it. */
    chatUser: make('chat_user', config.RATE_LIMIT_CHAT_USER),
    /** New web sessions (and so new web users) from one client address. */
    sessionCreateIp: make('session_create_ip', config.RATE_LIMIT_SESSION_CREATE_IP),
    checkinUser: make('checkin_user', config.RATE_LIMIT_CHECKIN_USER),
    redeemUser: make('redeem_user', config.RATE_LIMIT_REDEEM_USER),
  };
}
