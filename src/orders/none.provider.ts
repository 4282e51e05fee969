// PAYMENT_PROVIDER=none: no payment provider. Nothing can be bought with money; every call that
// would move money says so with payments_unavailable (503), so callers and providers retry later
// instead of treating it as a final refusal. Unpaid orders left from before close at their timeout.
import { DomainError } from '../shared/errors.js';
import type { PaymentProvider } from './payment.provider.js';

const unavailable = () =>
  new DomainError(
    'payments_unavailable',
    'payments are switched off on this service (PAYMENT_PROVIDER=none); points redemptions still work',
    {
      provider: 'none',
    },
  );

export function createNoPaymentProvider(): PaymentProvider {
  return {
    name: 'none',
    enabled: false,
    createPayment: () => Promise.reject(unavailable()),
    // No provider can have taken the money, so an open payment is simply closed.
    cancelPayment: () => Promise.resolve({ status: 'cancelled' as const }),
    refund: () => Promise.reject(unavailable()),
    verifyWebhook: () => Promise.reject(unavailable()),
  };
}
