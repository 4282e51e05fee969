// Head-to-head comparison of our intent classifier with the `natural` package's classifiers,
// trained on exactly the same examples (defaultTrainingExamples()) and evaluated on the held-out
// sets only (never trained on):
//   ours            createNlu(demoNluCatalog()): softmax LR over Intl.Segmenter tokens, CJK n-grams, lexicon
//   nat-bayes       natural.BayesClassifier fed our tokenizer's token.norm arrays
//   nat-bayes+ng    same, plus CJK character uni/bigrams (extra: natural with our n-gram features)
//   nat-lr          natural.LogisticRegressionClassifier fed our token arrays (in a worker, time-boxed)
//   nat-bayes-raw   natural.BayesClassifier on raw strings with natural's default tokenizer
// natural variants are reported as-is (out_of_scope only when it is the winning label) and as
// "@0.3": scores normalised to sum 1, out_of_scope when the top score is below 0.3 (our threshold).
// Calibration: ECE (10 equal-width bins) of the top-class confidence against correctness.
//
// Usage: npx tsx scripts/nlu-compare.ts [--lr-budget-s 330] [--skip-lr]
//   natural's LR needs ~0.9 s per full-batch gradient step and ~300 steps per class (23 classes);
//   the default budget lets one class finish so the full training time can be extrapolated.
// Tables go to stdout; the last stdout line is a JSON summary.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';
import { createNlu } from '../src/assistant/nlu/nlu.js';
import { demoNluCatalog } from '../src/assistant/nlu/nlu.demo.js';
import { parseJsonl, type EvalCase } from '../src/assistant/nlu/nlu.eval.js';
import { normalizeText } from '../src/assistant/nlu/nlu.normalize.js';
import { cjkNgrams, tokenizeNormalized } from '../src/assistant/nlu/nlu.tokenize.js';
import { defaultTrainingExamples } from '../src/assistant/nlu/nlu.training.js';
import { INTENT_IDS } from '../src/assistant/nlu/nlu.types.js';

// ---------------------------------------------------------------------------------------------
// natural, imported by deep path: `import 'natural'` takes ~0.8 s and loads dotenv, which prints
// to stdout. createRequire keeps the untyped CommonJS modules out of the type checker.
const require = createRequire(import.meta.url);
const BAYES_PATH = require.resolve('natural/lib/natural/classifiers/bayes_classifier.js');
const LR_PATH =
  require.resolve('natural/lib/natural/classifiers/logistic_regression_classifier.js');
// The sylvester instance natural's LR (via apparatus) really uses, for progress counting.
const APPARATUS_PATH = createRequire(LR_PATH).resolve('apparatus');
const SYLVESTER_PATH = createRequire(APPARATUS_PATH).resolve('sylvester');

interface NaturalClassification {
  label: string;
  value: number;
}
interface NaturalClassifier {
  addDocument(doc: string | string[], label: string): void;
  train(): void;
  getClassifications(doc: string | string[]): NaturalClassification[];
  docs: unknown[];
  features: Record<string, number>;
}
type NaturalCtor = new () => NaturalClassifier;
const NaturalBayes = require(BAYES_PATH) as NaturalCtor;

// ---------------------------------------------------------------------------------------------
const argv = process.argv.slice(2).filter((a) => a !== '--');
const argValue = (name: string, dflt: string) => {
  const i = argv.indexOf(`--${name}`);
  return i >= 0 && argv[i + 1] ? argv[i + 1]! : dflt;
};
const LR_BUDGET_S = Number(argValue('lr-budget-s', '330'));
const SKIP_LR = argv.includes('--skip-lr');
const THRESHOLD = 0.3;
const OOS = 'out_of_scope';
const TIMING_PASSES = 5;

const log = (s: string) => process.stderr.write(`${s}\n`);

const TRAIN = defaultTrainingExamples();
const EVAL_FILES: Array<[string, string]> = [
  ['holdout', 'src/assistant/nlu/data/holdout.jsonl'],
  ['unseen', 'src/assistant/nlu/data/unseen.jsonl'],
  ['unseen2', 'src/assistant/nlu/data/unseen2.jsonl'],
  ['dev-set', '/work/shared/nlu/dev-set.jsonl'],
];
const SETS = EVAL_FILES.map(([name, path]) => ({
  name,
  cases: parseJsonl(readFileSync(path, 'utf8')),
}));
const ALL: EvalCase[] = SETS.flatMap((s) => s.cases);

// Sanity: how many evaluation texts also occur (after normalisation) verbatim in training.
const trainNorm = new Set(TRAIN.map((e) => normalizeText(e.text)));
for (const s of SETS) {
  const dup = s.cases.filter((c) => trainNorm.has(normalizeText(c.text))).length;
  log(`${s.name}: ${s.cases.length} cases, ${dup} identical to a training text`);
}
log(`training examples: ${TRAIN.length}`);

// ---------------------------------------------------------------------------------------------
// Metrics

/** One prediction: the decided intent, its confidence, and the raw argmax of the scores. */
interface Prediction {
  intent: string;
  confidence: number;
  top: string;
  topP: number;
}

interface Metrics {
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

const round = (x: number, d = 4) => Math.round(x * 10 ** d) / 10 ** d;

function ece(pairs: Array<[number, boolean]>, bins = 10): number {
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
function metrics(cases: EvalCase[], preds: Prediction[]): Metrics {
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

function percentile(sorted: number[], q: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)]!;
}

/** Warm up (JIT, caches, GC of training garbage), then time TIMING_PASSES passes over all cases. */
function latency(
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

// ---------------------------------------------------------------------------------------------
// Variants

interface VariantResult {
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

function evaluateAll(preds: Prediction[]): { all: Metrics; perSet: Record<string, Metrics> } {
  const perSet: Record<string, Metrics> = {};
  let off = 0;
  for (const s of SETS) {
    perSet[s.name] = metrics(s.cases, preds.slice(off, off + s.cases.length));
    off += s.cases.length;
  }
  return { all: metrics(ALL, preds), perSet };
}

/** natural's scores normalised to a distribution (getClassifications values don't sum to 1). */
function normalise(cls: NaturalClassification[]): NaturalClassification[] {
  const sum = cls.reduce((s, c) => s + (Number.isFinite(c.value) ? c.value : 0), 0);
  if (!(sum > 0)) return cls.map((c) => ({ label: c.label, value: 1 / cls.length }));
  return cls
    .map((c) => ({ label: c.label, value: (Number.isFinite(c.value) ? c.value : 0) / sum }))
    .sort((a, b) => b.value - a.value);
}

/** As-is (winning label) and thresholded (below 0.3 → out_of_scope, confidence as in nlu.ts). */
function naturalPredictions(dists: NaturalClassification[][]): {
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

const ourTokens = (text: string): string[] =>
  tokenizeNormalized(normalizeText(text)).map((t) => t.norm);
const ourTokensNgrams = (text: string): string[] => {
  const norm = normalizeText(text);
  const toks = tokenizeNormalized(norm).map((t) => t.norm);
  return [...new Set([...toks, ...cjkNgrams(norm).map((g) => `c:${g}`)])];
};

const results: VariantResult[] = [];
const texts = ALL.map((c) => c.text);

// (a) ours ------------------------------------------------------------------------------------
{
  log('training ours …');
  const t0 = performance.now();
  const nlu = createNlu(demoNluCatalog());
  const train_ms = performance.now() - t0;
  const preds: Prediction[] = ALL.map((c) => {
    const r = nlu.parse(c.text);
    const s = nlu.scores(c.text);
    let top = INTENT_IDS[0] as string,
      topP = -1;
    for (const id of INTENT_IDS)
      if (s[id] > topP) {
        top = id;
        topP = s[id];
      }
    return { intent: r.intent, confidence: r.confidence, top, topP };
  });
  const lat = latency((t) => nlu.parse(t), texts);
  results.push({
    name: 'ours',
    desc: 'createNlu: softmax LR, segmenter tokens + CJK n-grams + lexicon, OOS rule',
    train_ms: round(train_ms, 0),
    ...lat,
    status: 'ok',
    ...evaluateAll(preds),
  });
}

// natural Bayes variants ----------------------------------------------------------------------
function runNaturalBayes(
  name: string,
  desc: string,
  toDoc: (text: string) => string | string[],
): void {
  log(`training ${name} …`);
  const t0 = performance.now();
  const clf = new NaturalBayes();
  let emptyTrain = 0;
  for (const ex of TRAIN) {
    const doc = toDoc(ex.text);
    const before = clf.docs.length;
    clf.addDocument(doc, ex.intent);
    if (clf.docs.length === before) emptyTrain++; // natural silently ignores documents with no tokens
  }
  clf.train();
  const train_ms = performance.now() - t0;
  const dists = ALL.map((c) => normalise(clf.getClassifications(toDoc(c.text))));
  const lat = latency((t) => normalise(clf.getClassifications(toDoc(t))), texts);
  // How many evaluation messages reach the classifier with no known feature at all.
  const vocab = clf.features;
  const emptyEval = ALL.filter((c) => {
    const d = toDoc(c.text);
    const toks = typeof d === 'string' ? naturalDefaultTokens(d) : d;
    return !toks.some((t) => Object.prototype.hasOwnProperty.call(vocab, t));
  }).length;
  const note = `vocab=${Object.keys(vocab).length}, training docs dropped as empty=${emptyTrain}/${TRAIN.length}, eval msgs with no known token=${emptyEval}/${ALL.length}`;
  log(`  ${note}`);
  const { raw, thr } = naturalPredictions(dists);
  results.push({
    name,
    desc,
    train_ms: round(train_ms, 0),
    ...lat,
    status: 'ok',
    note,
    ...evaluateAll(raw),
  });
  results.push({
    name: `${name}@0.3`,
    desc: `${desc}; normalised, top<0.3 → out_of_scope`,
    train_ms: round(train_ms, 0),
    ...lat,
    status: 'ok',
    note,
    ...evaluateAll(thr),
  });
}

/** natural's default analysis of a raw string (what Classifier.addDocument does with strings). */
const NaturalPorter = require('natural/lib/natural/stemmers/porter_stemmer.js') as {
  tokenizeAndStem(s: string, keepStops?: boolean): string[];
};
function naturalDefaultTokens(text: string): string[] {
  return NaturalPorter.tokenizeAndStem(text, undefined);
}

runNaturalBayes('nat-bayes', 'natural.BayesClassifier on our tokens (token.norm)', ourTokens);
runNaturalBayes(
  'nat-bayes+ng',
  'natural.BayesClassifier on our tokens + CJK char uni/bigrams',
  ourTokensNgrams,
);
runNaturalBayes(
  'nat-bayes-raw',
  "natural.BayesClassifier on raw strings (natural's default tokenizer)",
  (t) => t,
);

// (c) natural LogisticRegressionClassifier, in a worker so it can be time-boxed --------------
// Training docs and evaluation docs are tokenized here and passed as plain arrays.
const WORKER_SRC = `
const { parentPort, workerData } = require('node:worker_threads');
const { LR_PATH, SYLVESTER_PATH, train, evalDocs } = workerData;
const sylvester = require(SYLVESTER_PATH);
// Progress hooks: descendGradient() calls Matrix.One once per class and transpose() once per
// gradient step, so these count classes started and gradient iterations.
let classes = 0, iters = 0, lastPost = 0;
const t0 = performance.now();
const one = sylvester.Matrix.One;
sylvester.Matrix.One = function (n, m) { if (m === 1) { classes++; post(true); } return one.apply(this, arguments); };
const tr = sylvester.Matrix.prototype.transpose;
sylvester.Matrix.prototype.transpose = function () { iters++; post(false); return tr.apply(this, arguments); };
function post(force) {
  const now = performance.now();
  if (force || now - lastPost > 1000) { lastPost = now; parentPort.postMessage({ type: 'progress', classes, iters, ms: now - t0 }); }
}
const LR = require(LR_PATH);
const clf = new LR();
for (const [doc, label] of train) clf.addDocument(doc, label);
const tf = performance.now();
parentPort.postMessage({ type: 'features', ms: tf - t0, vocab: Object.keys(clf.features).length, docs: clf.docs.length });
clf.train();
const trainMs = performance.now() - t0;
const dists = evalDocs.map((d) => clf.getClassifications(d));
// Latency: warm-up, then timed passes (getClassifications only; tokenization is timed in the main thread).
const warm = performance.now() + 300;
while (performance.now() < warm) for (const d of evalDocs) clf.getClassifications(d);
const times = [];
for (let r = 0; r < ${TIMING_PASSES}; r++) for (const d of evalDocs) { const s = process.hrtime.bigint(); clf.getClassifications(d); times.push(Number(process.hrtime.bigint() - s) / 1e6); }
parentPort.postMessage({ type: 'done', trainMs, dists, times, classes, iters });
`;

interface LrDone {
  type: 'done';
  trainMs: number;
  dists: NaturalClassification[][];
  times: number[];
  classes: number;
  iters: number;
}
interface LrProgress {
  type: 'progress';
  classes: number;
  iters: number;
  ms: number;
}
interface LrFeatures {
  type: 'features';
  ms: number;
  vocab: number;
  docs: number;
}

async function runNaturalLr(): Promise<void> {
  const name = 'nat-lr';
  const desc = 'natural.LogisticRegressionClassifier on our tokens (token.norm)';
  if (SKIP_LR) {
    results.push({ name, desc, train_ms: null, p50_ms: null, p99_ms: null, status: 'skipped' });
    return;
  }
  log(`training ${name} (worker, budget ${LR_BUDGET_S} s) …`);
  const tTok = performance.now();
  const train = TRAIN.map((ex) => [ourTokens(ex.text), ex.intent] as [string[], string]);
  const tokMs = performance.now() - tTok;
  const evalDocs = ALL.map((c) => ourTokens(c.text));
  const worker = new Worker(WORKER_SRC, {
    eval: true,
    workerData: { LR_PATH, SYLVESTER_PATH, train, evalDocs },
  });
  let progress: LrProgress = { type: 'progress', classes: 0, iters: 0, ms: 0 };
  let feat: LrFeatures | undefined;
  const classStarts: Array<{ iters: number; ms: number }> = [];
  const started = performance.now();
  const outcome = await new Promise<
    LrDone | { type: 'timeout' } | { type: 'error'; error: unknown }
  >((resolve) => {
    const timer = setTimeout(() => resolve({ type: 'timeout' }), LR_BUDGET_S * 1000);
    worker.on('message', (m: LrDone | LrProgress | LrFeatures) => {
      if (m.type === 'progress') {
        if (m.classes !== progress.classes) classStarts.push({ iters: m.iters, ms: m.ms });
        if (m.classes !== progress.classes)
          log(
            `  nat-lr: class ${m.classes}/${INTENT_IDS.length} started at ${(m.ms / 1000).toFixed(1)} s, ${m.iters} gradient steps so far`,
          );
        progress = m;
      } else if (m.type === 'features') {
        feat = m;
        log(
          `  nat-lr: dense features built in ${m.ms.toFixed(0)} ms (${m.docs} docs × ${m.vocab} features)`,
        );
      } else {
        clearTimeout(timer);
        resolve(m);
      }
    });
    worker.on('error', (error) => {
      clearTimeout(timer);
      resolve({ type: 'error', error });
    });
  });
  const elapsed = performance.now() - started;
  await worker.terminate();
  if (outcome.type === 'timeout') {
    const done = Math.max(0, progress.classes - 1);
    const perStep = progress.iters ? (progress.ms - (classStarts[0]?.ms ?? 0)) / progress.iters : 0;
    // Full-batch steps the completed classes needed, and those of the class still being fitted.
    const starts = classStarts.map((c) => c.iters);
    const stepsPerClass = starts.slice(1).map((s, i) => s - starts[i]!);
    const current = progress.iters - (starts[starts.length - 1] ?? 0);
    const estimate =
      done > 0
        ? ((classStarts[done]!.ms - classStarts[0]!.ms) / done) * INTENT_IDS.length
        : undefined;
    const note =
      `did not finish within ${LR_BUDGET_S} s (stopped at ${(elapsed / 1000).toFixed(0)} s): ` +
      `${done}/${INTENT_IDS.length} one-vs-rest classes fitted, ${progress.iters} full-batch gradient steps ` +
      `(${perStep.toFixed(0)} ms/step on a dense ${feat?.docs ?? '?'}×${feat?.vocab ?? '?'} sylvester matrix; ` +
      `steps per fitted class: [${stepsPerClass.join(', ')}], class ${progress.classes} unfinished after ${current} steps)` +
      (estimate ? `; extrapolated full training ≈ ${(estimate / 60000).toFixed(1)} min` : '') +
      '. natural exposes no iteration cap (apparatus descendGradient is private, maxIt = 500 × rows).';
    log(`  nat-lr: ${note}`);
    results.push({
      name,
      desc,
      train_ms: round(elapsed, 0),
      p50_ms: null,
      p99_ms: null,
      status: 'too_slow',
      note,
    });
    return;
  }
  if (outcome.type === 'error') {
    const note = `training failed: ${String(outcome.error)}`;
    log(`  nat-lr: ${note}`);
    results.push({
      name,
      desc,
      train_ms: round(elapsed, 0),
      p50_ms: null,
      p99_ms: null,
      status: 'failed',
      note,
    });
    return;
  }
  const dists = outcome.dists.map(normalise);
  // p99 = classifier time (worker) + our tokenizer's time per message (main thread).
  const tokLat = latency(ourTokens, texts);
  const times = outcome.times.sort((a, b) => a - b);
  const p50 = percentile(times, 0.5) + tokLat.p50_ms;
  const p99 = percentile(times, 0.99) + tokLat.p99_ms;
  const note = `${outcome.iters} gradient steps over ${outcome.classes} classes; latency = getClassifications + tokenizer p-values`;
  const { raw, thr } = naturalPredictions(dists);
  const train_ms = round(outcome.trainMs + tokMs, 0);
  results.push({
    name,
    desc,
    train_ms,
    p50_ms: round(p50),
    p99_ms: round(p99),
    status: 'ok',
    note,
    ...evaluateAll(raw),
  });
  results.push({
    name: `${name}@0.3`,
    desc: `${desc}; normalised, top<0.3 → out_of_scope`,
    train_ms,
    p50_ms: round(p50),
    p99_ms: round(p99),
    status: 'ok',
    note,
    ...evaluateAll(thr),
  });
}

await runNaturalLr();

// ---------------------------------------------------------------------------------------------
// Report

const fmt = (x: number | null | undefined, d = 3) =>
  x === null || x === undefined ? '—' : x.toFixed(d);
const pad = (s: string, n: number) => (s.length >= n ? s : s + ' '.repeat(n - s.length));
const lpad = (s: string, n: number) => (s.length >= n ? s : ' '.repeat(n - s.length) + s);

const out: string[] = [];
out.push(
  `Pooled held-out evaluation (${SETS.map((s) => `${s.name} ${s.cases.length}`).join(', ')}; n=${ALL.length}); training: ${TRAIN.length} examples`,
);
const head = [
  'variant',
  'train ms',
  'acc',
  'macroF1',
  'OOS rec',
  'OOS prec',
  'ECE',
  'ECE top',
  'p50 ms',
  'p99 ms',
];
const widths = [16, 9, 6, 8, 8, 9, 6, 8, 7, 7];
out.push(head.map((h, i) => (i === 0 ? pad(h, widths[i]!) : lpad(h, widths[i]!))).join(' '));
for (const r of results) {
  const m = r.all;
  const cells = [
    r.name,
    r.train_ms === null ? '—' : String(r.train_ms),
    fmt(m?.accuracy),
    fmt(m?.macro_f1),
    fmt(m?.oos_recall),
    fmt(m?.oos_precision),
    fmt(m?.ece),
    fmt(m?.ece_top),
    fmt(r.p50_ms),
    fmt(r.p99_ms),
  ];
  out.push(
    cells.map((c, i) => (i === 0 ? pad(c, widths[i]!) : lpad(c, widths[i]!))).join(' ') +
      (r.status !== 'ok' ? `  [${r.status}]` : ''),
  );
}
out.push('');
out.push('Per set: accuracy / macro-F1 / OOS recall / ECE');
out.push(pad('variant', 16) + SETS.map((s) => lpad(`${s.name} (${s.cases.length})`, 26)).join(''));
for (const r of results) {
  if (!r.perSet) continue;
  out.push(
    pad(r.name, 16) +
      SETS.map((s) => {
        const m = r.perSet![s.name]!;
        return lpad(`${fmt(m.accuracy)}/${fmt(m.macro_f1)}/${fmt(m.oos_recall)}/${fmt(m.ece)}`, 26);
      }).join(''),
  );
}
out.push('');
for (const r of results) if (r.note && !r.name.endsWith('@0.3')) out.push(`${r.name}: ${r.note}`);
out.push(
  'ECE = 10-bin expected calibration error of the decision confidence (after the OOS rule/threshold);',
);
out.push(
  'ECE top = same for the raw top-class probability vs argmax correctness. natural scores normalised to sum 1.',
);
process.stdout.write(`${out.join('\n')}\n`);
process.stdout.write(
  `${JSON.stringify({ n: ALL.length, train_examples: TRAIN.length, threshold: THRESHOLD, variants: results })}\n`,
);
