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
import { createNlu } from '../src/assistant/nlu/nlu.js';
import { demoNluCatalog } from '../src/assistant/nlu/nlu.demo.js';
import { parseJsonl, type EvalCase } from '../src/assistant/nlu/nlu.eval.js';
import { normalizeText } from '../src/assistant/nlu/nlu.normalize.js';
import { cjkNgrams, tokenizeNormalized } from '../src/assistant/nlu/nlu.tokenize.js';
import { defaultTrainingExamples } from '../src/assistant/nlu/nlu.training.js';
import { INTENT_IDS } from '../src/assistant/nlu/nlu.types.js';
import {
  latency,
  metrics,
  naturalPredictions,
  normalise,
  round,
  type Metrics,
  type NaturalClassifier,
  type Prediction,
  type VariantResult,
} from './nlu-compare.metrics.js';
import { printReport } from './nlu-compare.report.js';
import { runNaturalLr } from './nlu-compare.lr.js';

// ---------------------------------------------------------------------------------------------
// natural, imported by deep path: `import 'natural'` takes ~0.8 s and loads dotenv, which prints
// to stdout. createRequire keeps the untyped CommonJS modules out of the type checker.
const require = createRequire(import.meta.url);
const BAYES_PATH = require.resolve('natural/lib/natural/classifiers/bayes_classifier.js');

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
// Variants

function evaluateAll(preds: Prediction[]): { all: Metrics; perSet: Record<string, Metrics> } {
  const perSet: Record<string, Metrics> = {};
  let off = 0;
  for (const s of SETS) {
    perSet[s.name] = metrics(s.cases, preds.slice(off, off + s.cases.length));
    off += s.cases.length;
  }
  return { all: metrics(ALL, preds), perSet };
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

await runNaturalLr({
  TRAIN,
  ALL,
  texts,
  results,
  evaluateAll,
  ourTokens,
  log,
  LR_BUDGET_S,
  SKIP_LR,
});

printReport(results, SETS, TRAIN.length);
