// Builds the entity matcher's key table from catalog data (titles, slugs, tags, aliases), so a
// course added at runtime is recognised without a code change. Keys that would point at two
// different slugs with the same strength are dropped: an ambiguous word must not guess.
import { hasCjk, normalizeText } from './nlu.normalize.js';
import { tokenizeNormalized } from './nlu.tokenize.js';
import type { NluCatalog } from './nlu.types.js';

export type EntityKind = 'course' | 'item' | 'topic';

/** Lower is stronger: an explicit alias beats a word derived from a title. */
export const SOURCE_RANK = { alias: 0, title: 1, slug: 2, tag: 3, partial: 4 } as const;
export type KeySource = keyof typeof SOURCE_RANK;

export interface CatalogKey {
  key: string;
  kind: EntityKind;
  slug: string;
  source: KeySource;
  /** Contains CJK: matched as a substring; otherwise matched token by token. */
  cjk: boolean;
  /** For non-CJK keys: surface tokens and their stems. */
  words: string[];
  stems: string[];
}

export interface CatalogIndex {
  keys: CatalogKey[];
  /** Non-CJK keys by first stem, for exact token lookups. */
  byFirstStem: Map<string, CatalogKey[]>;
  cjkKeys: CatalogKey[];
  /** Distinct key words eligible for typo matching (long enough to be distinctive). */
  fuzzyWords: Set<string>;
}

const EN_STOP = new Set(['for', 'and', 'with', 'the', 'of', 'a', 'an', 'to', 'in', 'on', '101']);
const ZH_STOP = new Set(['与', '和', '的', '做', '用', '及']);

/** Multi-word sub-phrases of a title ("Deep Learning and Neural Networks" → "neural networks"). */
function titlePartials(title: string): string[] {
  const norm = normalizeText(title);
  const toks = tokenizeNormalized(norm);
  const out: string[] = [];
  const isStop = (t: string) => EN_STOP.has(t) || ZH_STOP.has(t);
  for (let i = 0; i < toks.length; i++) {
    if (isStop(toks[i]!.text)) continue;
    for (let j = i + 1; j < toks.length; j++) {
      if (isStop(toks[j]!.text)) continue;
      const phrase = norm.slice(toks[i]!.start, toks[j]!.end);
      // Numbers inside partials ("20 course") collide with quantities and prices.
      if (/[0-9]/.test(phrase)) continue;
      if (phrase.replace(/\s/g, '').length < 3) continue;
      out.push(phrase);
    }
  }
  return out;
}

export function buildCatalogIndex(catalog: NluCatalog): CatalogIndex {
  const raw: Array<Omit<CatalogKey, 'cjk' | 'words' | 'stems'>> = [];
  const add = (key: string, kind: EntityKind, slug: string, source: KeySource) => {
    const k = normalizeText(key);
    if (k) raw.push({ key: k, kind, slug, source });
  };
  for (const c of catalog.courses) {
    if (c.active === false) continue;
    for (const a of c.aliases ?? []) add(a, 'course', c.slug, 'alias');
    add(c.titleZh, 'course', c.slug, 'title');
    add(c.titleZh.replace(/\s+/g, ''), 'course', c.slug, 'title');
    add(c.titleEn, 'course', c.slug, 'title');
    add(c.slug.replace(/-/g, ' '), 'course', c.slug, 'slug');
    for (const t of c.tags ?? []) add(t, 'course', c.slug, 'tag');
    for (const p of [...titlePartials(c.titleZh), ...titlePartials(c.titleEn)])
      add(p, 'course', c.slug, 'partial');
    // Latin words kept inside a Chinese title are product names ("Kubernetes 实战"), safe alone.
    for (const w of normalizeText(c.titleZh).match(/[a-z][a-z0-9+#.]+/g) ?? [])
      add(w, 'course', c.slug, 'partial');
  }
  for (const it of catalog.items) {
    if (it.active === false) continue;
    for (const a of it.aliases ?? []) add(a, 'item', it.slug, 'alias');
    add(it.titleZh, 'item', it.slug, 'title');
    add(it.titleEn, 'item', it.slug, 'title');
    add(it.slug.replace(/-/g, ' '), 'item', it.slug, 'slug');
    // Chinese partials of item titles ("学习笔记") read as ordinary phrases; English ones don't.
    for (const p of titlePartials(it.titleEn)) add(p, 'item', it.slug, 'partial');
  }
  for (const cat of catalog.categories) {
    for (const a of [cat.id, cat.zh, cat.en, ...(cat.aliases ?? [])])
      add(a, 'topic', cat.id, 'alias');
  }

  // Per (kind, key): keep the strongest source; drop the key if that source names two slugs.
  const best = new Map<string, { rank: number; slugs: Set<string>; source: KeySource }>();
  for (const r of raw) {
    const id = `${r.kind}\u0000${r.key}`;
    const rank = SOURCE_RANK[r.source];
    const cur = best.get(id);
    if (!cur || rank < cur.rank) best.set(id, { rank, slugs: new Set([r.slug]), source: r.source });
    else if (rank === cur.rank) cur.slugs.add(r.slug);
  }

  const keys: CatalogKey[] = [];
  for (const [id, v] of best) {
    if (v.slugs.size !== 1) continue;
    const [kind, key] = id.split('\u0000') as [EntityKind, string];
    const cjk = hasCjk(key);
    const toks = cjk ? [] : tokenizeNormalized(key);
    if (!cjk && toks.length === 0) continue;
    keys.push({
      key,
      kind,
      slug: [...v.slugs][0]!,
      source: v.source,
      cjk,
      words: toks.map((t) => t.text),
      stems: toks.map((t) => t.norm),
    });
  }

  const byFirstStem = new Map<string, CatalogKey[]>();
  const cjkKeys: CatalogKey[] = [];
  const fuzzyWords = new Set<string>();
  for (const k of keys) {
    if (k.cjk) {
      cjkKeys.push(k);
      continue;
    }
    const list = byFirstStem.get(k.stems[0]!) ?? [];
    list.push(k);
    byFirstStem.set(k.stems[0]!, list);
    for (const w of k.words) if (w.length >= 5 && /^[a-z]+$/.test(w)) fuzzyWords.add(w);
  }
  return { keys, byFirstStem, cjkKeys, fuzzyWords };
}
