// The report of scripts/nlu-compare.ts: a table over the pooled held-out sets, one per set, and
// the JSON summary as the last stdout line.
import { THRESHOLD, type VariantResult } from './nlu-compare.metrics.js';

export function printReport(
  results: VariantResult[],
  sets: { name: string; cases: unknown[] }[],
  trainExamples: number,
): void {
  const ALL = { length: sets.reduce((n, s) => n + s.cases.length, 0) };
  const SETS = sets;
  const TRAIN = { length: trainExamples };
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
  out.push(
    pad('variant', 16) + SETS.map((s) => lpad(`${s.name} (${s.cases.length})`, 26)).join(''),
  );
  for (const r of results) {
    if (!r.perSet) continue;
    out.push(
      pad(r.name, 16) +
        SETS.map((s) => {
          const m = r.perSet![s.name]!;
          return lpad(
            `${fmt(m.accuracy)}/${fmt(m.macro_f1)}/${fmt(m.oos_recall)}/${fmt(m.ece)}`,
            26,
          );
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
}
