// PostgreSQL stores neither NUL in text nor the \u0000 escape in jsonb, and its JSON parser refuses
// unpaired UTF-16 surrogates: such a string would reach the database and fail there as a 500.
// Every validated request part is checked here instead, so it fails as a 400 and changes nothing.

const UNPAIRED = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;
const UNSTORABLE = new RegExp(`\\0|${UNPAIRED.source}`);

/** Free text (a chat message) made storable: NUL dropped, unpaired surrogates as U+FFFD. */
export function storableText(text: string): string {
  return text.replace(/\0/g, '').replace(UNPAIRED, '\ufffd');
}

/** The path to the first string (or object key) PostgreSQL cannot store, or null. */
export function unstorableText(
  value: unknown,
  path: (string | number)[] = [],
): (string | number)[] | null {
  if (typeof value === 'string') return UNSTORABLE.test(value) ? path : null;
  if (value === null || typeof value !== 'object') return null;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const bad = unstorableText(value[i], [...path, i]);
      if (bad) return bad;
    }
    return null;
  }
  for (const [k, v] of Object.entries(value)) {
    if (UNSTORABLE.test(k)) return [...path, k];
    const bad = unstorableText(v, [...path, k]);
    if (bad) return bad;
  }
  return null;
}
