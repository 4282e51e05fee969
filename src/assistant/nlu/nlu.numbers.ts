// Quantities ("2个", "三本", "x2", "two notebooks"), points amounts ("50分", "500 points",
// "grant 50") and user mentions. Run on text where catalog names are blanked out, so digits
// inside names ("20元课程优惠券", "7天VIP体验卡", "Finance 101") are never read as numbers.

const ZH_DIGITS: Record<string, number> = {
  零: 0,
  〇: 0,
  一: 1,
  二: 2,
  两: 2,
  三: 3,
  四: 4,
  五: 5,
  六: 6,
  七: 7,
  八: 8,
  九: 9,
};
const ZH_UNITS: Record<string, number> = { 十: 10, 百: 100, 千: 1000, 万: 10000 };
const ZH_NUM = '[零〇一二两三四五六七八九十百千万]+';
const EN_NUMS: Record<string, number> = {
  one: 1,
  two: 2,
  three: 3,
  four: 4,
  five: 5,
  six: 6,
  seven: 7,
  eight: 8,
  nine: 9,
  ten: 10,
  eleven: 11,
  twelve: 12,
  couple: 2,
  pair: 2,
};
const MEASURE = '个|本|张|件|份|副|只|支|杯|瓶|套|盒|台|门|节|条|袋|顶|双|册|部|样';
const NUM = `(\\d{1,9}|${ZH_NUM})`;

/** Parses Chinese numerals up to 99,999,999 ("十二" → 12, "两千五" → 2500, "三万" → 30000). */
export function parseZhNumber(s: string): number | undefined {
  if (/^\d+$/.test(s)) return Number(s);
  let total = 0;
  let section = 0;
  let digit = -1;
  let lastUnit = 1;
  for (const ch of s) {
    if (ch in ZH_DIGITS) {
      digit = ZH_DIGITS[ch]!;
    } else if (ch === '万') {
      section += digit >= 0 ? digit : 0;
      total += (section || 1) * 10000;
      section = 0;
      digit = -1;
      lastUnit = 10000;
    } else if (ch in ZH_UNITS) {
      const unit = ZH_UNITS[ch]!;
      section += (digit >= 0 ? digit : 1) * unit;
      digit = -1;
      lastUnit = unit;
    } else {
      return undefined;
    }
  }
  // A trailing bare digit after a unit is one unit lower: "两千五" = 2500.
  if (digit >= 0)
    section +=
      lastUnit >= 10 && s.length > 1 && !/[零〇]/.test(s) ? digit * (lastUnit / 10) : digit;
  const v = total + section;
  return Number.isFinite(v) ? v : undefined;
}

function toNumber(s: string): number | undefined {
  const lower = s.toLowerCase();
  if (lower in EN_NUMS) return EN_NUMS[lower];
  return parseZhNumber(s);
}

const QTY_ZH = new RegExp(`(?<![第\\d.])${NUM}\\s*(?:${MEASURE})`, 'g');
const QTY_X = /(?:^|[^a-z0-9])[x×*]\s*(\d{1,4})(?![\d.])|(?<![\d.])(\d{1,4})\s*[x×](?![a-z0-9])/g;
const QTY_EN =
  /\b(\d{1,4}|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|a couple of|a pair of)\s+(?:more\s+|extra\s+|of\s+(?:the|those|these)\s+|(?:copies|pieces|pcs|units|items|packs)\b)/g;
const AMOUNT = new RegExp(
  `(\\d{1,9}|${ZH_NUM})\\s*(?:个)?\\s*(?:积分|分(?![钟钱])|points?\\b|pts?\\b)`,
  'g',
);
const AMOUNT_VERB =
  /(?:\b(?:grant|give|award|send|reward|add|deduct|transfer)\b|赠送|奖励|(?:少|多|扣|减|掉|加|涨|丢)了|给|送|加|扣)\s*(?:<@!?\d+>\s*|@[a-z0-9_.]+\s*)?(\d{1,9})(?![\d.]|\s*(?:个|本|张|件|份|元|块|天|x\b))/g;

export interface NumberEntities {
  quantity?: number;
  amount?: number;
}

/**
 * `masked` is the normalised text with entity spans replaced by '\ue000' markers of equal
 * length; a bare number right before a marker is a quantity ("2 notebooks", "换2保温杯").
 */
export function extractNumbers(masked: string): NumberEntities {
  const out: NumberEntities = {};
  const text = masked.length > 2000 ? masked.slice(0, 2000) : masked;
  for (const m of text.matchAll(AMOUNT)) {
    const v = toNumber(m[1]!);
    if (v !== undefined && v > 0) {
      out.amount = v;
      break;
    }
  }
  if (out.amount === undefined) {
    for (const m of text.matchAll(AMOUNT_VERB)) {
      const v = Number(m[1]);
      if (v > 0) {
        out.amount = v;
        break;
      }
    }
  }
  const qty = (v: number | undefined) => {
    if (out.quantity === undefined && v !== undefined && v > 0 && v <= 999) out.quantity = v;
  };
  for (const m of text.matchAll(QTY_ZH)) qty(toNumber(m[1]!));
  for (const m of text.matchAll(QTY_X)) qty(Number(m[1] ?? m[2]));
  for (const m of text.matchAll(QTY_EN)) qty(toNumber(m[1]!.replace(/^a (couple|pair) of$/, '$1')));
  const before =
    /(?<![\d.])(\d{1,3}|one|two|three|four|five|six|seven|eight|nine|ten|[一二两三四五六七八九十]{1,3})\s*\ue000/g;
  for (const m of text.matchAll(before)) qty(toNumber(m[1]!));
  return out;
}

const DISCORD_MENTION = /<@!?(\d{5,25})>/;
const AT_MENTION = /(?:^|[^a-z0-9_.@])@([a-z0-9_][a-z0-9_.]{0,31})/i;

/** "<@123>" / "<@!123>" → "123"; "@alice" → "alice" (trailing dots are punctuation). */
export function extractUser(text: string): string | undefined {
  const d = DISCORD_MENTION.exec(text);
  if (d) return d[1];
  const a = AT_MENTION.exec(text);
  return a ? a[1]!.replace(/\.+$/, '') : undefined;
}
