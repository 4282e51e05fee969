// natural's LogisticRegressionClassifier for scripts/nlu-compare.ts, trained in a worker thread
// so it can be time-boxed (it needs minutes), with progress read from sylvester's matrix calls.
import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';
import type { EvalCase } from '../src/assistant/nlu/nlu.eval.js';
import { INTENT_IDS, type TrainingExample } from '../src/assistant/nlu/nlu.types.js';
import {
  latency,
  naturalPredictions,
  normalise,
  percentile,
  round,
  type Metrics,
  type NaturalClassification,
  type Prediction,
  type VariantResult,
} from './nlu-compare.metrics.js';

const TIMING_PASSES = 5;
const require = createRequire(import.meta.url);
const LR_PATH =
  require.resolve('natural/lib/natural/classifiers/logistic_regression_classifier.js');
// The sylvester instance natural's LR (via apparatus) really uses, for progress counting.
const APPARATUS_PATH = createRequire(LR_PATH).resolve('apparatus');
const SYLVESTER_PATH = createRequire(APPARATUS_PATH).resolve('sylvester');

export interface LrContext {
  TRAIN: TrainingExample[];
  ALL: EvalCase[];
  texts: string[];
  results: VariantResult[];
  evaluateAll(preds: Prediction[]): { all: Metrics; perSet: Record<string, Metrics> };
  ourTokens(text: string): string[];
  log(s: string): void;
  LR_BUDGET_S: number;
  SKIP_LR: boolean;
}

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

export async function runNaturalLr(c: LrContext): Promise<void> {
  const { TRAIN, ALL, texts, results, evaluateAll, ourTokens, log, LR_BUDGET_S, SKIP_LR } = c;
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
