// The seam to a payment provider (WeChat Pay, Alipay, Stripe…). The sandbox implements it
// with the same shape as a real one: a hosted pay page, signed webhooks, idempotent refunds.
// Which one runs is PAYMENT_PROVIDER (payment.factory.ts); a real provider is one more
// implementation of this interface and one more value there.

export interface CreatePaymentRequest {
  /** Our order reference; the provider treats it as the idempotency key of the payment. */
  merchantOrderId: string;
  amountFen: number;
  currency: 'CNY';
  description: string;
  expiresAt: Date;
}

export interface CreatedPayment {
  providerRef: string;
  payUrl: string;
  expiresAt: string;
}

export interface RefundRequest {
  providerRef: string;
  amountFen: number;
  /** The same key twice refunds once. */
  idempotencyKey: string;
  reason: string;
}

export interface RefundResult {
  refundRef: string;
  status: 'succeeded' | 'failed';
}

export type WebhookType = 'payment.succeeded' | 'payment.failed';

export interface WebhookEvent {
  id: string;
  type: WebhookType;
  providerRef: string;
  merchantOrderId: string;
  amountFen: number;
  occurredAt: string;
}

export interface PaymentProvider {
  readonly name: string;
  /** False when payments are switched off (PAYMENT_PROVIDER=none): buying with money is refused up front. */
  readonly enabled: boolean;
  createPayment(req: CreatePaymentRequest): Promise<CreatedPayment>;
  /** Closes an unpaid payment (our timeout). Reports the payment's final state. */
  cancelPayment(providerRef: string): Promise<{ status: 'cancelled' | 'succeeded' | 'failed' }>;
  refund(req: RefundRequest): Promise<RefundResult>;
  /** Checks signature and freshness; throws DomainError('invalid_signature') otherwise. */
  verifyWebhook(
    rawBody: string,
    headers: Record<string, string | undefined>,
  ): Promise<WebhookEvent>;
}
