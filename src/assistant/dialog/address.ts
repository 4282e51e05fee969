// Reads a shipping address typed in chat ("张三 13800138000 上海市浦东新区世纪大道1号" or
// "Jane Doe, +1 415 555 0100, 1 Market St, San Francisco"). Needs at least a phone and a street.
import type { Address } from '../../orders/orders.service.js';

const PHONE = /(\+?\d[\d\s-]{6,18}\d)/;

export function parseAddress(raw: string, fallbackName?: string): Address | undefined {
  const text = raw.replace(/\s+/g, ' ').trim();
  if (text.length < 8 || text.length > 300) return undefined;
  const phoneMatch = PHONE.exec(text);
  if (!phoneMatch) return undefined;
  const phone = phoneMatch[1]!.replace(/[\s-]/g, '');
  if (phone.replace(/\D/g, '').length < 7) return undefined;
  const rest = (
    text.slice(0, phoneMatch.index) +
    ' ' +
    text.slice(phoneMatch.index + phoneMatch[0].length)
  )
    .split(/[,，;；\n]/)
    .map((p) => p.trim())
    .filter(Boolean)
    .join(', ')
    .trim();
  const parts = rest.split(/[,，]\s*|\s+/).filter(Boolean);
  if (!parts.length) return undefined;
  // A leading short token without digits is the recipient's name.
  const first = parts[0]!;
  const hasName =
    first.length <= 20 &&
    !/\d/.test(first) &&
    !/(省|市|区|县|路|街|号)/.test(first) &&
    parts.length > 1;
  const name = hasName ? first : fallbackName;
  const line1 = (hasName ? parts.slice(1) : parts).join(' ');
  if (!name || line1.length < 4) return undefined;
  const city =
    /([\u4e00-\u9fff]{2,6}市)/.exec(line1)?.[1] ?? line1.split(/[,，]/).slice(-1)[0]!.trim();
  return { name, phone, line1, city };
}
