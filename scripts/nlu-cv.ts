// Stratified k-fold cross-validation of the NLU intent model over its own training data.
// Usage: npx tsx scripts/nlu-cv.ts [--k 5] [--seeds 1] [--quiet] [--errors] [--opt name=value ...]
//   --opt passes numeric NluOptions (minConfidence, minMargin, offDomainMinConfidence) or
//   train.* options (train.epochs, train.l2, train.learningRate) to createNlu.
// Prints per-intent F1 and the most frequent confusion pairs to stderr; the last stdout line
// is a JSON summary (accuracy, macro_f1, oos_recall, oos_precision, train_ms).
import { createNlu, type NluOptions } from '../src/assistant/nlu/nlu.js';
import { demoNluCatalog } from '../src/assistant/nlu/nlu.demo.js';
import { defaultTrainingExamples } from '../src/assistant/nlu/nlu.training.js';
import { INTENT_IDS, type TrainingExample } from '../src/assistant/nlu/nlu.types.js';
import { mulberry32 } from '../src/assistant/nlu/nlu.classifier.js';

const argv = process.argv.slice(2).filter((a) => a !== '--');
const flag = (name: string) => argv.includes(`--${name}`);
const value = (name: string, dflt: string) => {
  const i = argv.indexOf(`--${name}`);
  return i >= 0 && argv[i + 1] ? argv[i + 1]! : dflt;
};
const K = Number(value('k', '5'));
const SEEDS = Number(value('seeds', '1'));
const opts: NluOptions = {};
for (let i = 0; i < argv.length; i++) {
  if (argv[i] !== '--opt') continue;
  const [name, v] = (argv[i + 1] ?? '').split('=');
  if (!name || v === undefined) continue;
  if (name.startsWith('train.')) (opts.train ??= {})[name.slice(6) as 'epochs'] = Number(v);
  else (opts as Record<string, number>)[name] = Number(v);
}

const all = defaultTrainingExamples();
const catalog = demoNluCatalog();
const counts = new Map<string, { tp: number; fp: number; fn: number }>();
const bump = (id: string) =>
  counts.get(id) ?? (counts.set(id, { tp: 0, fp: 0, fn: 0 }), counts.get(id)!);
const confusion = new Map<string, number>();
const errors: string[] = [];
let n = 0,
  correct = 0,
  goldOos = 0,
  goldOosHit = 0,
  predOos = 0,
  predOosHit = 0;
const trainTimes: number[] = [];

for (let s = 0; s < SEEDS; s++) {
  const rand = mulberry32(1000 + s);
  // Stratified folds: shuffle each intent's examples and deal them round-robin.
  const folds: TrainingExample[][] = Array.from({ length: K }, () => []);
  for (const id of INTENT_IDS) {
    const ex = all.filter((e) => e.intent === id);
    for (let i = ex.length - 1; i > 0; i--) {
      const j = Math.floor(rand() * (i + 1));
      [ex[i], ex[j]] = [ex[j]!, ex[i]!];
    }
    ex.forEach((e, i) => folds[(i + s) % K]!.push(e));
  }
  for (let f = 0; f < K; f++) {
    const train = folds.flatMap((fold, i) => (i === f ? [] : fold));
    const t0 = performance.now();
    const nlu = createNlu(catalog, { ...opts, examples: train });
    trainTimes.push(performance.now() - t0);
    for (const ex of folds[f]!) {
      const r = nlu.parse(ex.text);
      n++;
      if (r.intent === ex.intent) {
        correct++;
        bump(ex.intent).tp++;
      } else {
        bump(ex.intent).fn++;
        bump(r.intent).fp++;
        const key = `${ex.intent} → ${r.intent}`;
        confusion.set(key, (confusion.get(key) ?? 0) + 1);
        if (s === 0) errors.push(`${key.padEnd(40)} ${r.confidence.toFixed(2)}  ${ex.text}`);
      }
      if (ex.intent === 'out_of_scope') {
        goldOos++;
        if (r.intent === 'out_of_scope') goldOosHit++;
      }
      if (r.intent === 'out_of_scope') {
        predOos++;
        if (ex.intent === 'out_of_scope') predOosHit++;
      }
    }
  }
}

let f1sum = 0;
const lines: string[] = [];
for (const id of INTENT_IDS) {
  const c = bump(id);
  const p = c.tp + c.fp ? c.tp / (c.tp + c.fp) : 0;
  const r = c.tp + c.fn ? c.tp / (c.tp + c.fn) : 0;
  const f1 = p + r ? (2 * p * r) / (p + r) : 0;
  f1sum += f1;
  lines.push(
    `${id.padEnd(20)} f1=${f1.toFixed(3)} p=${p.toFixed(3)} r=${r.toFixed(3)} fn=${c.fn} fp=${c.fp}`,
  );
}
const round = (x: number) => Math.round(x * 10000) / 10000;
if (!flag('quiet')) {
  process.stderr.write(`${all.length} examples, ${K} folds × ${SEEDS} seed(s)\n`);
  process.stderr.write(`${lines.join('\n')}\n\nconfusion pairs (gold → predicted):\n`);
  for (const [k, v] of [...confusion].sort((a, b) => b[1] - a[1]).slice(0, 25))
    process.stderr.write(`  ${String(v).padStart(3)}  ${k}\n`);
}
if (flag('errors')) process.stderr.write(`\n${errors.join('\n')}\n`);
const summary = {
  n,
  accuracy: round(correct / n),
  macro_f1: round(f1sum / INTENT_IDS.length),
  oos_recall: round(goldOos ? goldOosHit / goldOos : 1),
  oos_precision: round(predOos ? predOosHit / predOos : 1),
  train_ms: Math.round(trainTimes.reduce((a, b) => a + b, 0) / trainTimes.length),
};
process.stdout.write(`${JSON.stringify(summary)}\n`);
