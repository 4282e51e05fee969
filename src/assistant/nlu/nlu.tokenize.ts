// Tokenization with Intl.Segmenter: natural's tokenizers drop CJK characters, while the ICU
// word segmenter splits Chinese into dictionary words and keeps ASCII words intact.
import PorterStemmer from 'natural/lib/natural/stemmers/porter_stemmer.js';
import { isCjkChar, normalizeText } from './nlu.normalize.js';

export type TokenKind = 'cjk' | 'ascii' | 'num' | 'other';

export interface Token {
  /** Normalised surface form. */
  text: string;
  /** Porter stem for ASCII words, the surface form otherwise. */
  norm: string;
  kind: TokenKind;
  start: number;
  end: number;
}

const segmenter = new Intl.Segmenter('zh', { granularity: 'word' });

// Stemming dominates tokenization cost for English; the vocabulary of a chat is small.
const stemCache = new Map<string, string>();
const STEM_CACHE_MAX = 50_000;

export function stem(word: string): string {
  let s = stemCache.get(word);
  if (s === undefined) {
    s = /^[a-z]+$/.test(word) && word.length > 2 ? PorterStemmer.stem(word) : word;
    if (stemCache.size < STEM_CACHE_MAX) stemCache.set(word, s);
  }
  return s;
}

function kindOf(segment: string): TokenKind {
  if (isCjkChar(segment[0]!)) return 'cjk';
  if (/^[0-9]+(?:\.[0-9]+)?$/.test(segment)) return 'num';
  if (/^[a-z0-9_']+$/.test(segment)) return 'ascii';
  return 'other';
}

/**
 * Word-like tokens of an already-normalised string, with offsets into it. Apostrophes are
 * dropped inside words ("what's" → "whats") so contractions tokenize the same everywhere.
 */
export function tokenizeNormalized(norm: string): Token[] {
  const out: Token[] = [];
  for (const seg of segmenter.segment(norm)) {
    if (!seg.isWordLike) continue;
    const kind = kindOf(seg.segment);
    if (kind === 'other') {
      // Mixed scripts the segmenter left together (rare): keep it as an opaque word.
      out.push({
        text: seg.segment,
        norm: seg.segment,
        kind,
        start: seg.index,
        end: seg.index + seg.segment.length,
      });
      continue;
    }
    const text = kind === 'ascii' ? seg.segment.replace(/'/g, '') : seg.segment;
    out.push({
      text,
      norm: kind === 'ascii' ? stem(text) : text,
      kind,
      start: seg.index,
      end: seg.index + seg.segment.length,
    });
  }
  return out;
}

export function tokenize(text: string): Token[] {
  return tokenizeNormalized(normalizeText(text));
}

/** Character unigrams and bigrams of each CJK run; robust to segmentation differences. */
export function cjkNgrams(norm: string, skip?: (index: number) => boolean): string[] {
  const out: string[] = [];
  let prev = '';
  for (let i = 0; i < norm.length; i++) {
    const ch = norm[i]!;
    if (!isCjkChar(ch) || (skip && skip(i))) {
      prev = '';
      continue;
    }
    out.push(ch);
    if (prev) out.push(prev + ch);
    prev = ch;
  }
  return out;
}
