// The sandbox's webhook event, as its pay page posts it back: parsed by a schema, so a body of
// any other shape is refused before anything reads it.
import { z } from 'zod';
import { DomainError } from '../shared/errors.js';

const SANDBOX_EVENT = z.object({
  id: z.string(),
  type: z.enum(['payment.succeeded', 'payment.failed']),
  created: z.unknown(),
  data: z.object({
    ref: z.string(),
    amountFen: z.number().refine(Number.isSafeInteger),
    merchantOrderId: z.string(),
  }),
});

export function parseSandboxEvent(rawBody: string) {
  let json: unknown;
  try {
    json = JSON.parse(rawBody);
  } catch {
    throw new DomainError('invalid_input', 'the webhook body is not JSON');
  }
  const parsed = SANDBOX_EVENT.safeParse(json);
  if (!parsed.success)
    throw new DomainError('invalid_input', 'the webhook body is not a sandbox event');
  const { id, type, created, data } = parsed.data;
  return {
    id,
    type,
    providerRef: data.ref,
    merchantOrderId: data.merchantOrderId,
    amountFen: data.amountFen,
    occurredAt: String(created),
  };
}
