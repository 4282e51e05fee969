// Text that means something to SQL, to a driver's placeholder parser or to a protocol splitting
// statements on `;` (the embedded database's simple-query path did), plus length, emoji, RTL and CJK.
import type { Schema } from './openapi-walk.js';

export const SQL_TEXT: readonly string[] = [
  ';',
  'bonus; thanks',
  "'",
  "O'Brien",
  '"',
  '\\',
  "\\\\'",
  '$1',
  '$1; drop table x',
  '?',
  '??',
  'a ? b',
  '--',
  'x -- y',
  '/*',
  '/* x */',
  '%',
  '_%',
  '🎉👍🏽',
  '👨‍👩‍👧‍👦 👩🏽‍💻',
  'مرحبا',
  '\u202Eabc; def',
  '转人工; 谢谢',
  // Combinations: a statement break inside quotes, a placeholder inside a comment, and so on.
  "O'Brien; $1 -- /* 🎉 */ %_? \\ 转人工 مرحبا",
  "'; select 1; --",
  "\\'; $2 ?? /* '",
];

/** Printable ASCII without spaces (fits an Idempotency-Key too), SQL-meaningful throughout. */
const FILLER = ';\'"\\$1?--/*%_x';

export const fill = (length: number) =>
  FILLER.repeat(Math.ceil(length / FILLER.length)).slice(0, length);

export const LONG = fill(10_000);

/** The values for one slot: the list above, 10,000 characters, and the field's max and one past it. */
export function valuesFor(schema: Schema): { value: string; name: string }[] {
  const out = SQL_TEXT.map((value) => ({ value, name: JSON.stringify(value).slice(0, 40) }));
  out.push({ value: LONG, name: '10,000 characters' });
  if (schema.maxLength !== undefined && schema.maxLength !== LONG.length) {
    out.push(
      { value: fill(schema.maxLength), name: `max (${schema.maxLength})` },
      { value: fill(schema.maxLength + 1), name: `max + 1 (${schema.maxLength + 1})` },
    );
  }
  return out;
}
