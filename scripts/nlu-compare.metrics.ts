// Metrics for scripts/nlu-compare.ts: accuracy, macro-F1, out-of-scope recall and precision,
// calibration (ECE), latency percentiles, and natural's scores turned into predictions.
import type { EvalCase } from '../src/assistant/nlu/nlu.eval.js';
import { INTENT_IDS } from '../src/assistant/nlu/nlu.types.js';

export const THRESHOLD = 0.3;
export const OOS = 'out_of_scope';
const TIMING_PASSES = 5;

export interface NaturalClassification {
  label: string;
  value: number;
}
export interface NaturalClassifier {
  addDocument(doc: string | string[], label: string): void;
  train(): void;
  getClassifications(doc: string | string[]): NaturalClassification[];
  docs: unknown[];
  features: Record<string, number>;
}

/** One prediction: the decided intent, its confidence, and the raw argmax of the scores. */
export interface Prediction {
  intent: string;
  confidence: number;
  top: string;
  topP: number;
}

export interface Metrics {
  n: number;
  accuracy: number;
  macro_f1: number;
  oos_recall: number;
  oos_precision: number;
  /** ECE of the decision's confidence vs decision correctness. */
  ece: number;
  /** ECE of the raw top-class probability vs argmax correctness (before any OOS rule). */
  ece_top: number;
  mean_conf: number;
}

export const round = (x: number, d = 4) => Math.round(x * 10 ** d) / 10 ** d;

export function ece(pairs: Array<[number, boolean]>, bins = 10): number {
  const cnt = new Array<number>(bins).fill(0);
  const conf = new Array<number>(bins).fill(0);
  const acc = new Array<number>(bins).fill(0);
  for (const [p, ok] of pairs) {
    const b = Math.min(bins - 1, Math.max(0, Math.floor(p * bins)));
    cnt[b]!++;
    conf[b]! += p;
    if (ok) acc[b]!++;
  }
  let e = 0;
  for (let b = 0; b < bins; b++)
    if (cnt[b]) e += (cnt[b]! / pairs.length) * Math.abs(acc[b]! / cnt[b]! - conf[b]! / cnt[b]!);
  return e;
}

/** Same definitions as src/assistant/nlu/nlu.eval.ts (macro-F1 over intents seen as gold or predicted). */
export function metrics(cases: EvalCase[], preds: Prediction[]): Metrics {
  const counts = new Map<string, { tp: number; fp: number; fn: number }>();
  const bump = (id: string) =>
    counts.get(id) ?? (counts.set(id, { tp: 0, fp: 0, fn: 0 }), counts.get(id)!);
  let correct = 0,
    goldOos = 0,
    goldOosHit = 0,
    predOos = 0,
    predOosHit = 0,
    confSum = 0;
  const decided: Array<[number, boolean]> = [];
  const top: Array<[number, boolean]> = [];
  cases.forEach((c, i) => {
    const p = preds[i]!;
    const ok = p.intent === c.intent;
    if (ok) {
      correct++;
      bump(c.intent).tp++;
    } else {
      bump(c.intent).fn++;
      bump(p.intent).fp++;
    }
    if (c.intent === OOS) {
      goldOos++;
      if (p.intent === OOS) goldOosHit++;
    }
    if (p.intent === OOS) {
      predOos++;
      if (c.intent === OOS) predOosHit++;
    }
    decided.push([p.confidence, ok]);
    top.push([p.topP, p.top === c.intent]);
    confSum += p.confidence;
  });
  let f1sum = 0,
    f1n = 0;
  for (const id of INTENT_IDS) {
    const s = counts.get(id);
    if (!s) continue;
    const pr = s.tp + s.fp ? s.tp / (s.tp + s.fp) : 0;
    const rc = s.tp + s.fn ? s.tp / (s.tp + s.fn) : 0;
    f1sum += pr + rc ? (2 * pr * rc) / (pr + rc) : 0;
    f1n++;
  }
  const n = cases.length;
  return {
    n,
    accuracy: round(correct / n),
    macro_f1: round(f1n ? f1sum / f1n : 0),
    oos_recall: round(goldOos ? goldOosHit / goldOos : 1),
    oos_precision: round(predOos ? predOosHit / predOos : 1),
    ece: round(ece(decided)),
    ece_top: round(ece(top)),
    mean_conf: round(confSum / n),
  };
}

export function percentile(sorted: number[], q: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)]!;
}

/** Warm up (JIT, caches, GC of training garbage), then time TIMING_PASSES passes over all cases. */
export function latency(
  fn: (text: string) => unknown,
  texts: string[],
): { p50_ms: number; p99_ms: number } {
  const warmUntil = performance.now() + 300;
  while (performance.now() < warmUntil) for (const t of texts) fn(t);
  const times: number[] = [];
  for (let r = 0; r < TIMING_PASSES; r++) {
    for (const t of texts) {
      const t0 = process.hrtime.bigint();
      fn(t);
      times.push(Number(process.hrtime.bigint() - t0) / 1e6);
    }
  }
  times.sort((a, b) => a - b);
  return { p50_ms: round(percentile(times, 0.5)), p99_ms: round(percentile(times, 0.99)) };
}

export interface VariantResult {
  name: string;
  desc: string;
  train_ms: number | null;
  p50_ms: number | null;
  p99_ms: number | null;
  status: 'ok' | 'too_slow' | 'failed' | 'skipped';
  note?: string;
  all?: Metrics;
  perSet?: Record<string, Metrics>;
}

/** natural's scores normalised to a distribution (getClassifications values don't sum to 1). */
export function normalise(cls: NaturalClassification[]): NaturalClassification[] {
  const sum = cls.reduce((s, c) => s + (Number.isFinite(c.value) ? c.value : 0), 0);
  if (!(sum > 0)) return cls.map((c) => ({ label: c.label, value: 1 / cls.length }));
  return cls
    .map((c) => ({ label: c.label, value: (Number.isFinite(c.value) ? c.value : 0) / sum }))
    .sort((a, b) => b.value - a.value);
}

/** As-is (winning label) and thresholded (below 0.3 → out_of_scope, confidence as in nlu.ts). */
export function naturalPredictions(dists: NaturalClassification[][]): {
  raw: Prediction[];
  thr: Prediction[];
} {
  const raw: Prediction[] = [];
  const thr: Prediction[] = [];
  for (const d of dists) {
    const top = d[0]!;
    raw.push({ intent: top.label, confidence: top.value, top: top.label, topP: top.value });
    if (top.value < THRESHOLD && top.label !== OOS) {
      const pOos = d.find((c) => c.label === OOS)?.value ?? 0;
      thr.push({
        intent: OOS,
        confidence: Math.max(pOos, 1 - top.value),
        top: top.label,
        topP: top.value,
      });
    } else {
      thr.push({ intent: top.label, confidence: top.value, top: top.label, topP: top.value });
    }
  }
  return { raw, thr };
}
