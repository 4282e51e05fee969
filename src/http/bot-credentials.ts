// How the chat platforms prove a call is theirs: Telegram sends the webhook secret in a header,
// Discord signs timestamp + raw body with the application's Ed25519 key. Plain checks without
// the platforms' SDKs, shared by the permission middleware and the bots' own routes.
import { createPublicKey, timingSafeEqual, verify, type KeyObject } from 'node:crypto';

export const TELEGRAM_SECRET_HEADER = 'X-Telegram-Bot-Api-Secret-Token';

export function sameSecret(given: string | undefined, expected: string | undefined): boolean {
  if (given === undefined || !expected) return false;
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

/** DER prefix of an Ed25519 SubjectPublicKeyInfo; Discord gives the raw 32-byte key in hex. */
const ED25519_SPKI_PREFIX = Buffer.from('302a300506032b6570032100', 'hex');
export const MAX_SIGNATURE_AGE_SECONDS = 300;

export function discordPublicKey(hex: string): KeyObject {
  const raw = Buffer.from(hex, 'hex');
  if (raw.length !== 32) throw new Error('DISCORD_PUBLIC_KEY must be 32 bytes in hex');
  return createPublicKey({
    key: Buffer.concat([ED25519_SPKI_PREFIX, raw]),
    format: 'der',
    type: 'spki',
  });
}

export type SignatureCheck = 'ok' | 'missing' | 'invalid' | 'stale';

export function checkDiscordSignature(
  key: KeyObject,
  signature: string | undefined,
  timestamp: string | undefined,
  body: string,
  nowSeconds: number = Date.now() / 1000,
): SignatureCheck {
  if (!signature || !timestamp) return 'missing';
  if (!/^[0-9a-f]{128}$/i.test(signature) || !/^\d{1,12}$/.test(timestamp)) return 'invalid';
  const valid = verify(
    null,
    Buffer.from(timestamp + body, 'utf8'),
    key,
    Buffer.from(signature, 'hex'),
  );
  if (!valid) return 'invalid';
  // Checked after the signature so the timestamp is the one Discord signed.
  if (Math.abs(nowSeconds - Number(timestamp)) > MAX_SIGNATURE_AGE_SECONDS) return 'stale';
  return 'ok';
}

export const DISCORD_SIGNATURE_MESSAGES: Record<Exclude<SignatureCheck, 'ok'>, string> = {
  missing: 'missing X-Signature-Ed25519 or X-Signature-Timestamp',
  invalid: 'invalid request signature',
  stale: 'request timestamp too old (replay?)',
};
