// Picks the payment provider named by PAYMENT_PROVIDER. The sandbox is also returned apart,
// typed with its extra methods, because its hosted pay page is served by this app; a real
// provider hosts its own page and only adds a case here.
import type { Clock } from '../shared/clock.js';
import type { Em } from '../db/sql.js';
import type { PaymentProvider } from './payment.provider.js';
import { createSandboxProvider, type SandboxProvider } from './sandbox.provider.js';
import { createNoPaymentProvider } from './none.provider.js';

export type PaymentProviderName = 'sandbox' | 'none';

export function createPaymentProvider(
  name: PaymentProviderName,
  deps: { em: Em; clock: Clock; publicUrl: string },
): { provider: PaymentProvider; sandbox: SandboxProvider | null } {
  switch (name) {
    case 'sandbox': {
      const sandbox = createSandboxProvider(deps);
      return { provider: sandbox, sandbox };
    }
    case 'none':
      return { provider: createNoPaymentProvider(), sandbox: null };
  }
}
