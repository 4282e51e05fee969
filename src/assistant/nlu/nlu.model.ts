// Turns training examples into a trained intent model: vocabulary, sparse vectors, softmax
// weights. Kept apart from the parser so the eval script can train variants cheaply.
import { SoftmaxClassifier, type SparseVec, type TrainOptions } from './nlu.classifier.js';
import { isWordFeature } from './nlu.features.js';
import { INTENT_IDS, type IntentId, type TrainingExample } from './nlu.types.js';

export interface IntentModel {
  vocab: Map<string, number>;
  /** Surface ASCII words seen in training: real words, so never "corrected" as typos. */
  knownWords: Set<string>;
  classifier: SoftmaxClassifier;
}

export function vectorize(
  features: Map<string, number>,
  vocab: Map<string, number>,
): { vec: SparseVec; knownWords: number } {
  const idx: number[] = [];
  const val: number[] = [];
  let knownWords = 0;
  let norm = 0;
  for (const [name, w] of features) {
    const i = vocab.get(name);
    if (i === undefined) continue;
    idx.push(i);
    val.push(w);
    norm += w * w;
    if (isWordFeature(name)) knownWords++;
  }
  // L2 normalisation keeps long and short messages on the same logit scale.
  const s = norm > 0 ? 1 / Math.sqrt(norm) : 0;
  return {
    vec: { idx: Int32Array.from(idx), val: Float64Array.from(val, (v) => v * s) },
    knownWords,
  };
}

export function trainIntentModel(
  examples: TrainingExample[],
  featurize: (text: string, knownWords: ReadonlySet<string>) => Map<string, number>,
  knownWords: Set<string>,
  opts: TrainOptions = {},
): IntentModel {
  const vocab = new Map<string, number>();
  const feats = examples.map((ex) => {
    const f = featurize(ex.text, knownWords);
    for (const name of f.keys()) if (!vocab.has(name)) vocab.set(name, vocab.size);
    return f;
  });
  const classId = new Map<IntentId, number>(INTENT_IDS.map((id, i) => [id, i]));
  const xs = feats.map((f) => vectorize(f, vocab).vec);
  const ys = examples.map((ex) => classId.get(ex.intent)!);
  const classifier = new SoftmaxClassifier(vocab.size, INTENT_IDS.length);
  classifier.train(xs, ys, opts);
  return { vocab, knownWords, classifier };
}
