// Classifier features. Catalog names are replaced by slot features (#course, #item) so the
// model learns "兑换 #course" rather than memorising which course names appeared in which
// training sentence; topic words stay visible because they carry meaning ("推荐数据方向").
import type { EntityMatch } from './nlu.entities.js';
import { conceptFeatures } from './nlu.lexicon.js';
import { cjkNgrams, type Token } from './nlu.tokenize.js';

/** Tokens beyond this carry no extra intent signal and would only cost time. */
const MAX_TOKENS = 64;
// Concepts pool evidence across synonyms and languages, so they earn a larger weight (CV-tuned).
const CONCEPT_WEIGHT = 1.5;
/**
 * Fillers, particles and politeness carry no intent but do get memorised ("啊" in chit-chat,
 * "please" in one intent's examples); they are dropped as unigrams and kept only in bigrams.
 */
const STOP = new Set([
  '啊',
  '呀',
  '吧',
  '呢',
  '嘛',
  '哦',
  '喔',
  '啦',
  '嘞',
  '哇',
  '鸭',
  '滴',
  '呗',
  '哈',
  '么',
  '了',
  '的',
  '吗',
  '请',
  '请问',
  '麻烦',
  '一下',
  '下',
  'the',
  'a',
  'an',
  'pleas',
  'pls',
  'plz',
  'kindli',
  'just',
  'um',
  'uh',
  'hmm',
  'ok',
  'okai',
  'so',
  'well',
  'oh',
  'now',
]);

export interface FeatureInput {
  norm: string;
  tokens: Token[];
  matches: EntityMatch[];
  hasUser: boolean;
}

/** Feature names with weights; the caller L2-normalises after mapping to the vocabulary. */
export function extractFeatures(input: FeatureInput): Map<string, number> {
  const { norm, matches } = input;
  const f = new Map<string, number>();
  const add = (name: string, w = 1) => f.set(name, Math.max(f.get(name) ?? 0, w));

  const masked: Array<[number, number]> = [];
  for (const m of matches) {
    if (m.kind === 'topic') add('#topic');
    else {
      add(`#${m.kind}`);
      masked.push([m.start, m.end]);
    }
  }
  const inMask = (i: number) => masked.some(([s, e]) => i >= s && i < e);
  const tokens = input.tokens
    .slice(0, MAX_TOKENS)
    .filter((t) => !masked.some(([s, e]) => t.start < e && t.end > s));

  let prev = '';
  for (const t of tokens) {
    if (t.kind === 'num') {
      add('#num');
      prev = '#num';
      continue;
    }
    const stop = STOP.has(t.norm);
    if (!stop) add(`w:${t.norm}`);
    if (t.kind === 'ascii') {
      if (prev) add(`b:${prev}_${t.norm}`, 0.7);
      // Character trigrams absorb English typos ("balnce", "refnud") the stemmer can't.
      if (t.text.length >= 4) {
        const w = `<${t.text}>`;
        for (let i = 0; i + 3 <= w.length; i++) add(`t:${w.slice(i, i + 3)}`, 0.25);
      }
      prev = t.norm;
    } else {
      prev = '';
    }
  }
  const limit = Math.min(norm.length, 400);
  for (const g of cjkNgrams(norm.slice(0, limit), inMask)) {
    if (g.length === 1) {
      if (!STOP.has(g)) add(`c:${g}`, 0.5);
    } else add(`g:${g}`, 0.8);
  }
  for (const c of conceptFeatures(norm, tokens)) add(`k:${c}`, CONCEPT_WEIGHT);
  if (input.hasUser) add('#user');
  return f;
}

/** True for features that count as "known vocabulary" for the out-of-scope rule. */
export function isWordFeature(name: string): boolean {
  return name.startsWith('w:') || name.startsWith('k:') || name === '#course' || name === '#item';
}
