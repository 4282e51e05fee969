// Button ids: short (Telegram allows 64 bytes), self-describing, parsed back into an intent
// and entities. Confirmation tokens tie a Confirm/Cancel press to one pending redemption.
import type { Button } from '../assistant.types.js';

export type Action =
  | { type: 'confirm'; token: string }
  | { type: 'cancel'; token: string }
  | { type: 'courses'; topic: string | null; page: number }
  | { type: 'course'; slug: string }
  | { type: 'redeem_course'; slug: string }
  | { type: 'buy'; slug: string; points: number }
  | { type: 'item'; slug: string }
  | { type: 'quantity'; n: number }
  | { type: 'refund'; orderId: number }
  | { type: 'top'; period: 'all' | 'week' | 'month' }
  | { type: 'intent'; intent: string };

export const ids = {
  confirm: (token: string) => `ok:${token}`,
  cancel: (token: string) => `no:${token}`,
  courses: (topic: string | null, page: number) => `cl:${topic ?? '*'}:${page}`,
  course: (slug: string) => `cd:${slug}`,
  redeemCourse: (slug: string) => `rc:${slug}`,
  buy: (slug: string, points = 0) => `bc:${slug}:${points}`,
  item: (slug: string) => `ri:${slug}`,
  quantity: (n: number) => `qt:${n}`,
  refund: (orderId: number) => `rf:${orderId}`,
  top: (period: string) => `lb:${period}`,
  intent: (intent: string) => `in:${intent}`,
};

const SLUG = /^[a-z0-9][a-z0-9-]{0,58}$/;

export function parseAction(id: string): Action | undefined {
  const [tag, a = '', b = ''] = id.split(':');
  switch (tag) {
    case 'ok':
      return a ? { type: 'confirm', token: a } : undefined;
    case 'no':
      return a ? { type: 'cancel', token: a } : undefined;
    case 'cl': {
      const page = Number(b);
      return Number.isInteger(page) && page >= 1 && page < 1000
        ? { type: 'courses', topic: a === '*' ? null : a, page }
        : undefined;
    }
    case 'cd':
      return SLUG.test(a) ? { type: 'course', slug: a } : undefined;
    case 'rc':
      return SLUG.test(a) ? { type: 'redeem_course', slug: a } : undefined;
    case 'bc': {
      const points = Number(b || 0);
      return SLUG.test(a) && Number.isSafeInteger(points) && points >= 0
        ? { type: 'buy', slug: a, points }
        : undefined;
    }
    case 'ri':
      return SLUG.test(a) ? { type: 'item', slug: a } : undefined;
    case 'qt': {
      const n = Number(a);
      return Number.isInteger(n) && n >= 1 && n <= 99 ? { type: 'quantity', n } : undefined;
    }
    case 'rf': {
      const orderId = Number(a);
      return Number.isSafeInteger(orderId) && orderId > 0 ? { type: 'refund', orderId } : undefined;
    }
    case 'lb':
      return a === 'all' || a === 'week' || a === 'month' ? { type: 'top', period: a } : undefined;
    case 'in':
      return /^[a-z_]{2,30}$/.test(a) ? { type: 'intent', intent: a } : undefined;
    default:
      return undefined;
  }
}

export const button = (id: string, label: string): Button => ({ id, label });
