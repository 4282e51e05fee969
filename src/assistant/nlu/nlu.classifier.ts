// Multinomial logistic regression (softmax) over sparse features, trained at startup with
// AdaGrad. Chosen over natural's BayesClassifier/LogisticRegressionClassifier because it gives
// proper probabilities over all intents at once and trains on ~3k examples in a few hundred ms.

export interface SparseVec {
  idx: Int32Array;
  val: Float64Array;
}

export interface TrainOptions {
  epochs?: number;
  learningRate?: number;
  l2?: number;
  seed?: number;
}

/** Deterministic PRNG so the trained model is reproducible run to run. */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export class SoftmaxClassifier {
  readonly weights: Float64Array;
  readonly bias: Float64Array;

  constructor(
    readonly numFeatures: number,
    readonly numClasses: number,
  ) {
    this.weights = new Float64Array(numFeatures * numClasses);
    this.bias = new Float64Array(numClasses);
  }

  /** Probabilities over classes (sums to 1). */
  predict(x: SparseVec, out = new Float64Array(this.numClasses)): Float64Array {
    const K = this.numClasses;
    out.set(this.bias);
    for (let n = 0; n < x.idx.length; n++) {
      const base = x.idx[n]! * K;
      const v = x.val[n]!;
      for (let k = 0; k < K; k++) out[k]! += v * this.weights[base + k]!;
    }
    let max = -Infinity;
    for (let k = 0; k < K; k++) if (out[k]! > max) max = out[k]!;
    let sum = 0;
    for (let k = 0; k < K; k++) {
      out[k] = Math.exp(out[k]! - max);
      sum += out[k]!;
    }
    for (let k = 0; k < K; k++) out[k]! /= sum;
    return out;
  }

  train(xs: SparseVec[], ys: number[], opts: TrainOptions = {}): void {
    const epochs = opts.epochs ?? 30;
    const lr = opts.learningRate ?? 0.5;
    const l2 = opts.l2 ?? 1e-4;
    const rand = mulberry32(opts.seed ?? 42);
    const K = this.numClasses;
    const gW = new Float64Array(this.weights.length).fill(1e-8);
    const gB = new Float64Array(K).fill(1e-8);
    const p = new Float64Array(K);
    const order = xs.map((_, i) => i);
    for (let e = 0; e < epochs; e++) {
      for (let i = order.length - 1; i > 0; i--) {
        const j = Math.floor(rand() * (i + 1));
        [order[i], order[j]] = [order[j]!, order[i]!];
      }
      for (const i of order) {
        const x = xs[i]!;
        this.predict(x, p);
        p[ys[i]!]! -= 1;
        for (let k = 0; k < K; k++) {
          const g = p[k]!;
          gB[k]! += g * g;
          this.bias[k]! -= (lr * g) / Math.sqrt(gB[k]!);
        }
        for (let n = 0; n < x.idx.length; n++) {
          const base = x.idx[n]! * K;
          const v = x.val[n]!;
          for (let k = 0; k < K; k++) {
            const w = base + k;
            const g = p[k]! * v + l2 * this.weights[w]!;
            gW[w]! += g * g;
            this.weights[w]! -= (lr * g) / Math.sqrt(gW[w]!);
          }
        }
      }
    }
  }
}
