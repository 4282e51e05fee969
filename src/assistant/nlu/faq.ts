// FAQ retrieval: TF-IDF cosine over every phrasing of every question (zh and en in one index),
// using the NLU tokenizer so Chinese gets words plus character bigrams. Cosine rather than raw
// BM25 because its score is bounded (0..1), so one threshold works for both languages and any
// query length. Entries are data: rebuild the index whenever operators edit the knowledge base.
import type { FaqEntry } from './data/faq.js';
import { normalizeText } from './nlu.normalize.js';
import { cjkNgrams, tokenizeNormalized } from './nlu.tokenize.js';

export type { FaqEntry } from './data/faq.js';

export interface FaqHit {
  entry: FaqEntry;
  /** Cosine similarity with the best-matching phrasing (0..1). */
  score: number;
  /** The answer in the requested language. */
  answer: string;
}

export interface FaqIndex {
  search(text: string, lang?: 'zh' | 'en', minScore?: number): FaqHit | null;
  /** Up to `k` entries, best first, without a threshold. */
  searchAll(text: string, k?: number): Array<{ entry: FaqEntry; score: number }>;
}

export const DEFAULT_FAQ_THRESHOLD = 0.35;

// Function words carry no topic; dropping them keeps "how do i" from matching everything.
const STOP = new Set(
  'a an the i me my you your is are am do does did to of for in on at it be can will what how when where why which who with and or if this that there any some please 吗 呢 的 了 我 你 是 在 有 吧 啊 怎么 什么 哪些 多少'.split(
    ' ',
  ),
);

export function faqTerms(text: string): string[] {
  const norm = normalizeText(text);
  const out: string[] = [];
  for (const t of tokenizeNormalized(norm))
    if (!STOP.has(t.text)) out.push(t.kind === 'cjk' ? `w:${t.text}` : t.norm);
  for (const g of cjkNgrams(norm)) if (g.length === 2) out.push(g);
  return out;
}

export function createFaqIndex(entries: FaqEntry[]): FaqIndex {
  const raw: Array<{ entry: FaqEntry; tf: Map<string, number> }> = [];
  const df = new Map<string, number>();
  for (const entry of entries) {
    for (const q of [...entry.questions.zh, ...entry.questions.en]) {
      const tf = new Map<string, number>();
      for (const t of faqTerms(q)) tf.set(t, (tf.get(t) ?? 0) + 1);
      for (const t of tf.keys()) df.set(t, (df.get(t) ?? 0) + 1);
      raw.push({ entry, tf });
    }
  }
  const N = raw.length;
  // Terms never seen in the knowledge base get the highest idf: they are evidence the query is
  // about something else, so they lower the cosine instead of being ignored.
  const idf = (t: string) => Math.log(1 + N / ((df.get(t) ?? 0) + 0.5));
  const weigh = (tf: Map<string, number>) => {
    const v = new Map<string, number>();
    let norm = 0;
    for (const [t, f] of tf) {
      const w = (1 + Math.log(f)) * idf(t);
      v.set(t, w);
      norm += w * w;
    }
    return { v, norm: Math.sqrt(norm) };
  };
  const docs = raw.map((d) => ({ entry: d.entry, ...weigh(d.tf) }));
  const postings = new Map<string, number[]>();
  docs.forEach((d, i) => {
    for (const t of d.v.keys()) (postings.get(t) ?? postings.set(t, []).get(t)!).push(i);
  });

  const searchAll = (text: string, k = 3) => {
    const tf = new Map<string, number>();
    for (const t of faqTerms(text.slice(0, 500))) tf.set(t, (tf.get(t) ?? 0) + 1);
    const q = weigh(tf);
    if (q.norm === 0) return [];
    const dot = new Map<number, number>();
    for (const [t, w] of q.v)
      for (const i of postings.get(t) ?? []) dot.set(i, (dot.get(i) ?? 0) + w * docs[i]!.v.get(t)!);
    const best = new Map<FaqEntry, number>();
    for (const [i, s] of dot) {
      const cos = s / (q.norm * docs[i]!.norm);
      if (cos > (best.get(docs[i]!.entry) ?? 0)) best.set(docs[i]!.entry, cos);
    }
    return [...best]
      .map(([entry, score]) => ({ entry, score }))
      .sort((a, b) => b.score - a.score)
      .slice(0, k);
  };

  return {
    searchAll,
    search(text, lang, minScore = DEFAULT_FAQ_THRESHOLD) {
      const top = searchAll(text, 1)[0];
      if (!top || top.score < minScore) return null;
      const l = lang ?? (/[\u4e00-\u9fff]/.test(text) ? 'zh' : 'en');
      return { entry: top.entry, score: top.score, answer: top.entry.answer[l] };
    },
  };
}
