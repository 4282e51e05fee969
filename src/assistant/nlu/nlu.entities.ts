// Catalog entity extraction (course, item, topic), independent of the intent. CJK keys are
// matched as substrings of the space-free text; Latin keys token by token on stems, with a
// small edit distance for long words the classifier's vocabulary doesn't already know.
import type { CatalogIndex, CatalogKey, EntityKind } from './nlu.catalog-index.js';
import { SOURCE_RANK } from './nlu.catalog-index.js';
import { allowedEdits, osaDistance } from './nlu.fuzzy.js';
import { isAsciiAlnum } from './nlu.normalize.js';
import type { Token } from './nlu.tokenize.js';

export interface EntityMatch {
  kind: EntityKind;
  slug: string;
  start: number;
  end: number;
  rank: number;
  fuzzy: boolean;
}

/** Long inputs are truncated for matching: nobody names a course after 2,000 characters. */
const MAX_SCAN = 2000;

function matchCjk(norm: string, tokens: Token[], index: CatalogIndex, out: EntityMatch[]): void {
  // Compact text (spaces removed) so "python 编程入门" and "python编程入门" both match.
  const map: number[] = [];
  let compact = '';
  for (let i = 0; i < norm.length; i++) {
    if (norm[i] === ' ') continue;
    map.push(i);
    compact += norm[i];
  }
  const tokenStarts = new Map<number, number>();
  for (const t of tokens) tokenStarts.set(t.start, t.end);
  for (const k of index.cjkKeys) {
    const key = k.key.replace(/ /g, '');
    let from = 0;
    for (;;) {
      const at = compact.indexOf(key, from);
      if (at < 0) break;
      from = at + 1;
      const start = map[at]!;
      const end = map[at + key.length - 1]! + 1;
      // A Latin edge must not run into a longer Latin word ("numpython课").
      if (isAsciiAlnum(key[0]) && isAsciiAlnum(norm[start - 1])) continue;
      if (isAsciiAlnum(key[key.length - 1]) && isAsciiAlnum(norm[end])) continue;
      // A one-character key ("包") only counts as a word of its own, not inside "包括"/"红包".
      if (key.length === 1 && tokenStarts.get(start) !== end) continue;
      out.push({
        kind: k.kind,
        slug: k.slug,
        start,
        end,
        rank: SOURCE_RANK[k.source],
        fuzzy: false,
      });
    }
  }
}

function wordMatches(
  tok: Token,
  k: CatalogKey,
  i: number,
  known: ReadonlySet<string>,
  index: CatalogIndex,
): 0 | 1 | 2 {
  if (tok.norm === k.stems[i] || tok.text === k.words[i]) return 1;
  const w = k.words[i]!;
  // Typos almost never hit the first letter; requiring it removes most accidental matches.
  if (
    tok.kind !== 'ascii' ||
    tok.text[0] !== w[0] ||
    !index.fuzzyWords.has(w) ||
    known.has(tok.text)
  )
    return 0;
  const max = Math.min(allowedEdits(w.length), allowedEdits(tok.text.length));
  return max > 0 && osaDistance(tok.text, w, max) <= max ? 2 : 0;
}

function matchLatin(
  tokens: Token[],
  index: CatalogIndex,
  known: ReadonlySet<string>,
  out: EntityMatch[],
): void {
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i]!;
    if (t.kind !== 'ascii' && t.kind !== 'num') continue;
    let cands = index.byFirstStem.get(t.norm) ?? index.byFirstStem.get(t.text);
    const fuzzyOk = t.kind === 'ascii' && t.text.length >= 5 && !known.has(t.text);
    if (fuzzyOk) cands = index.keys.filter((k) => !k.cjk && wordMatches(t, k, 0, known, index) > 0);
    if (!cands) continue;
    for (const k of cands) {
      if (i + k.stems.length > tokens.length) continue;
      let fuzzy = false;
      let ok = true;
      for (let j = 0; j < k.stems.length; j++) {
        const m = wordMatches(tokens[i + j]!, k, j, known, index);
        if (m === 0) {
          ok = false;
          break;
        }
        if (m === 2) fuzzy = true;
      }
      if (!ok) continue;
      const end = tokens[i + k.stems.length - 1]!.end;
      out.push({
        kind: k.kind,
        slug: k.slug,
        start: t.start,
        end,
        rank: SOURCE_RANK[k.source],
        fuzzy,
      });
    }
  }
}

/** All catalog matches in a normalised message. */
export function findCatalogMatches(
  norm: string,
  tokens: Token[],
  index: CatalogIndex,
  known: ReadonlySet<string>,
): EntityMatch[] {
  const text = norm.length > MAX_SCAN ? norm.slice(0, MAX_SCAN) : norm;
  const toks = norm.length > MAX_SCAN ? tokens.filter((t) => t.end <= MAX_SCAN) : tokens;
  const out: EntityMatch[] = [];
  matchCjk(text, toks, index, out);
  matchLatin(toks, index, known, out);
  return out;
}

/** Tags and partial titles ("beginner", "入门") are weak evidence next to a name or alias. */
const WEAK_RANK = SOURCE_RANK.tag;

/**
 * Best match of one kind: a name/alias/slug before a tag or partial title; then, for
 * overlapping spans, the longest ("机器学习实战" over "机器学习"); for separate spans, the one named
 * first ("深度学习课要会python吗" asks about deep learning); then strongest source, exact before fuzzy.
 */
export function pickBest(matches: EntityMatch[], kind: EntityKind): EntityMatch | undefined {
  let best: EntityMatch | undefined;
  for (const m of matches) {
    if (m.kind !== kind) continue;
    if (!best) {
      best = m;
      continue;
    }
    const weak = m.rank >= WEAK_RANK,
      bweak = best.rank >= WEAK_RANK;
    if (weak !== bweak) {
      if (!weak) best = m;
      continue;
    }
    const overlap = m.start < best.end && best.start < m.end;
    if (!overlap) {
      if (m.start < best.start) best = m;
      continue;
    }
    const len = m.end - m.start;
    const blen = best.end - best.start;
    if (len !== blen) {
      if (len > blen) best = m;
      continue;
    }
    if (m.fuzzy !== best.fuzzy) {
      if (!m.fuzzy) best = m;
      continue;
    }
    if (m.rank !== best.rank) {
      if (m.rank < best.rank) best = m;
      continue;
    }
    if (m.start < best.start) best = m;
  }
  return best;
}
