// Text normalisation shared by the classifier, the entity matcher and the FAQ retriever, so
// that all three see the same characters (full-width letters, ideographic spaces, case).

const CJK_RE = /[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]/;

/** NFKC folds full-width ASCII (ＰＹ１２) into ASCII; lowercase makes matching case-blind. */
export function normalizeText(text: string): string {
  return (
    text
      .normalize('NFKC')
      .toLowerCase()
      .replace(/[\u200b-\u200d\ufeff]/g, '')
      // Chat elongation: "hiiii", "helloooo", "pleaseeee" → one letter (no English word has 3).
      .replace(/([a-z])\1{2,}/g, '$1')
      .replace(/\s+/g, ' ')
      .trim()
  );
}

export function isCjkChar(ch: string): boolean {
  return CJK_RE.test(ch);
}

export function hasCjk(text: string): boolean {
  return CJK_RE.test(text);
}

export function isAsciiAlnum(ch: string | undefined): boolean {
  if (!ch) return false;
  const c = ch.charCodeAt(0);
  return (c >= 48 && c <= 57) || (c >= 97 && c <= 122) || (c >= 65 && c <= 90);
}

/** zh when the message has CJK ideographs; otherwise en if it has Latin letters; else the hint. */
export function detectLang(text: string, hint?: 'zh' | 'en'): 'zh' | 'en' {
  if (hasCjk(text)) return 'zh';
  if (/[a-z]/i.test(text)) return 'en';
  return hint ?? 'en';
}
