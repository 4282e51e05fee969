// A sandbox payment provider that behaves like a real one: it keeps its own books
// (sandbox_charge), serves a hosted pay page (src/http/sandbox.routes.ts), signs webhooks
// with HMAC-SHA256 over "<timestamp>.<body>" (header X-Sandbox-Signature: t=…,v1=…), refuses
// stale timestamps, and refunds idempotently. Its secret is generated once and kept in the DB.
// The pay link carries a signed, expiring token bound to the payment (pay-token.ts): the page
// and its Pay/Cancel actions act only with it, as a real provider's checkout session would.
import { createHmac, randomBytes, randomUUID, timingSafeEqual } from 'node:crypto';
import { DomainError } from '../shared/errors.js';
import type { Clock } from '../shared/clock.js';
import { inTransaction, query, queryOne, type Em } from '../db/sql.js';
import { claimSetting, getSetting } from '../settings/settings.js';
import type {
  CreatedPayment,
  CreatePaymentRequest,
  PaymentProvider,
  RefundRequest,
  RefundResult,
  WebhookEvent,
} from './payment.provider.js';
import { checkPayToken, signPayToken } from './pay-token.js';
import { parseSandboxEvent } from './sandbox.event.js';

export const SIGNATURE_HEADER = 'x-sandbox-signature';
export const SIGNATURE_TOLERANCE_SECONDS = 300;

export interface SignedWebhook {
  rawBody: string;
  headers: Record<string, string>;
}

export interface SandboxCharge {
  ref: string;
  amountFen: number;
  currency: string;
  description: string;
  status: string;
  expiresAt: string;
}

export type SandboxProvider = PaymentProvider & {
  /** The pay page's data. */
  charge(ref: string): Promise<SandboxCharge | null>;
  /**
   * The charge, if `token` is the one its pay link carries and has not expired; otherwise
   * DomainError not_found (no such charge) or pay_token_invalid (missing, forged, expired or
   * another payment's token).
   */
  authorize(ref: string, token: string | undefined): Promise<SandboxCharge & { token: string }>;
  /** The payer pressed Pay or Cancel: the charge settles and the provider emits a signed webhook. */
  settle(ref: string, outcome: 'succeeded' | 'failed'): Promise<SignedWebhook>;
  /** Signs any body as the provider would (tests use it to build webhooks). */
  sign(rawBody: string, timestampSeconds?: number): Promise<Record<string, string>>;
};

export function createSandboxProvider(deps: {
  em: Em;
  clock: Clock;
  publicUrl: string;
}): SandboxProvider {
  let secret: string | undefined;

  async function getSecret(): Promise<string> {
    if (secret) return secret;
    await claimSetting(deps.em, 'payments.sandbox.secret', randomBytes(32).toString('hex'));
    secret = (await getSetting<string>(deps.em, 'payments.sandbox.secret'))!;
    return secret;
  }

  // The pay-page key is derived from the webhook secret, so one stored secret serves both uses
  // and a token can never pass for a webhook signature or the other way round.
  let payKey: Buffer | undefined;
  const getPayKey = async () =>
    (payKey ??= createHmac('sha256', await getSecret())
      .update('sandbox pay page tokens')
      .digest());

  const hmac = (key: string, ts: number, body: string) =>
    createHmac('sha256', key).update(`${ts}.${body}`).digest('hex');

  async function sign(rawBody: string, timestampSeconds?: number): Promise<Record<string, string>> {
    const ts = timestampSeconds ?? Math.floor(deps.clock.now().getTime() / 1000);
    return {
      [SIGNATURE_HEADER]: `t=${ts},v1=${hmac(await getSecret(), ts, rawBody)}`,
      'content-type': 'application/json',
    };
  }

  async function createPayment(req: CreatePaymentRequest): Promise<CreatedPayment> {
    const existing = await queryOne<{ ref: string; expires_at: Date; amount_fen: string }>(
      deps.em,
      `select ref, expires_at, amount_fen from sandbox_charge where merchant_order_id = ?`,
      [req.merchantOrderId],
    );
    const ref = existing?.ref ?? `sbx_${randomUUID().replace(/-/g, '')}`;
    if (!existing) {
      await query(
        deps.em,
        `insert into sandbox_charge (ref, merchant_order_id, amount_fen, currency, description, status, expires_at) values (?, ?, ?, ?, ?, 'pending', ?::timestamptz)`,
        [
          ref,
          req.merchantOrderId,
          req.amountFen,
          req.currency,
          req.description.slice(0, 300),
          req.expiresAt.toISOString(),
        ],
      );
    }
    const expiresAt = existing ? new Date(existing.expires_at) : req.expiresAt;
    const amountFen = existing ? Number(existing.amount_fen) : req.amountFen;
    // The link works exactly as long as the payment can be made.
    const token = signPayToken(
      await getPayKey(),
      { ref, merchantOrderId: req.merchantOrderId, amountFen },
      expiresAt,
    );
    return {
      providerRef: ref,
      payUrl: `${deps.publicUrl.replace(/\/$/, '')}/sandbox/pay/${ref}?token=${token}`,
      expiresAt: expiresAt.toISOString(),
    };
  }

  async function cancelPayment(ref: string) {
    await query(
      deps.em,
      `update sandbox_charge set status = 'cancelled' where ref = ? and status = 'pending'`,
      [ref],
    );
    const row = await queryOne<{ status: string }>(
      deps.em,
      `select status from sandbox_charge where ref = ?`,
      [ref],
    );
    const status =
      row?.status === 'succeeded' ? 'succeeded' : row?.status === 'failed' ? 'failed' : 'cancelled';
    return { status } as const;
  }

  async function refund(req: RefundRequest): Promise<RefundResult> {
    return inTransaction(deps.em, async (tx) => {
      const c = await queryOne<{
        status: string;
        amount_fen: string;
        refunded_fen: string;
        refund_keys: string[];
      }>(
        tx,
        `select status, amount_fen, refunded_fen, refund_keys from sandbox_charge where ref = ? for update`,
        [req.providerRef],
      );
      const refundRef = `sbxr_${req.idempotencyKey.replace(/[^A-Za-z0-9_-]/g, '_')}`;
      if (!c || c.status !== 'succeeded') return { refundRef, status: 'failed' as const };
      if (c.refund_keys.includes(req.idempotencyKey))
        return { refundRef, status: 'succeeded' as const };
      if (Number(c.refunded_fen) + req.amountFen > Number(c.amount_fen))
        return { refundRef, status: 'failed' as const };
      await query(
        tx,
        `update sandbox_charge set refunded_fen = refunded_fen + ?, refund_keys = refund_keys || ?::jsonb where ref = ?`,
        [req.amountFen, JSON.stringify([req.idempotencyKey]), req.providerRef],
      );
      return { refundRef, status: 'succeeded' as const };
    });
  }

  async function verifyWebhook(
    rawBody: string,
    headers: Record<string, string | undefined>,
  ): Promise<WebhookEvent> {
    const header = headers[SIGNATURE_HEADER] ?? '';
    const m = /^t=(\d{1,12}),v1=([0-9a-f]{64})$/.exec(header.trim());
    if (!m)
      throw new DomainError('invalid_signature', `missing or malformed ${SIGNATURE_HEADER} header`);
    const ts = Number(m[1]);
    const expected = Buffer.from(hmac(await getSecret(), ts, rawBody), 'hex');
    if (!timingSafeEqual(expected, Buffer.from(m[2]!, 'hex')))
      throw new DomainError('invalid_signature', 'the webhook signature does not match');
    if (Math.abs(deps.clock.now().getTime() / 1000 - ts) > SIGNATURE_TOLERANCE_SECONDS) {
      throw new DomainError(
        'invalid_signature',
        'the webhook timestamp is too old or in the future (replay refused)',
      );
    }
    return parseSandboxEvent(rawBody);
  }

  async function charge(ref: string): Promise<SandboxCharge | null> {
    const c = await queryOne<{
      ref: string;
      amount_fen: string;
      currency: string;
      description: string;
      status: string;
      expires_at: Date;
    }>(deps.em, `select * from sandbox_charge where ref = ?`, [ref]);
    return c
      ? {
          ref: c.ref,
          amountFen: Number(c.amount_fen),
          currency: c.currency,
          description: c.description,
          status: c.status,
          expiresAt: new Date(c.expires_at).toISOString(),
        }
      : null;
  }

  async function authorize(ref: string, token: string | undefined) {
    const c = await queryOne<{ merchant_order_id: string; amount_fen: string }>(
      deps.em,
      `select merchant_order_id, amount_fen from sandbox_charge where ref = ?`,
      [ref],
    );
    if (!c) throw new DomainError('not_found', 'no such sandbox payment');
    const check = checkPayToken(
      await getPayKey(),
      { ref, merchantOrderId: c.merchant_order_id, amountFen: Number(c.amount_fen) },
      token,
      deps.clock.now(),
    );
    if (!check.ok) {
      const why = {
        missing: 'this pay link has no token; open the pay link your order gave you',
        malformed: "this pay link's token is not valid; open the pay link your order gave you",
        forged:
          "this pay link's token is not valid for this payment; open the pay link your order gave you",
        expired: 'this pay link has expired; start the purchase again for a new one',
      }[check.reason];
      throw new DomainError('pay_token_invalid', why, { reason: check.reason });
    }
    return { ...(await charge(ref))!, token: token! };
  }

  async function settle(ref: string, outcome: 'succeeded' | 'failed'): Promise<SignedWebhook> {
    const now = deps.clock.now();
    const c = await queryOne<{ merchant_order_id: string; amount_fen: string; status: string }>(
      deps.em,
      `update sandbox_charge set status = case when expires_at <= ?::timestamptz then 'failed' else ? end where ref = ? and status = 'pending'
       returning merchant_order_id, amount_fen, status`,
      [now.toISOString(), outcome, ref],
    );
    if (!c) {
      const cur = await charge(ref);
      if (!cur) throw new DomainError('not_found', 'no such sandbox payment');
      throw new DomainError('invalid_state', `this payment is already ${cur.status}`, {
        status: cur.status,
      });
    }
    const event = {
      id: `evt_${randomUUID().replace(/-/g, '')}`,
      type: c.status === 'succeeded' ? 'payment.succeeded' : 'payment.failed',
      created: now.toISOString(),
      data: { ref, merchantOrderId: c.merchant_order_id, amountFen: Number(c.amount_fen) },
    };
    const rawBody = JSON.stringify(event);
    return { rawBody, headers: await sign(rawBody) };
  }

  return {
    name: 'sandbox',
    enabled: true,
    createPayment,
    cancelPayment,
    refund,
    verifyWebhook,
    charge,
    authorize,
    settle,
    sign,
  };
}
