// Usage: npm run --silent nlu:eval -- FILE.jsonl [--errors]
// Per-intent details go to stderr; the last stdout line is the JSON report (evaluation contract).
import { readFileSync } from 'node:fs';
import { createNlu } from '../src/assistant/nlu/nlu.js';
import { demoNluCatalog } from '../src/assistant/nlu/nlu.demo.js';
import { evaluate, parseJsonl } from '../src/assistant/nlu/nlu.eval.js';

const args = process.argv.slice(2).filter((a) => a !== '--');
const file = args.find((a) => !a.startsWith('--'));
if (!file) {
  process.stderr.write('usage: nlu-eval FILE.jsonl [--errors]\n');
  process.exit(2);
}
const cases = parseJsonl(readFileSync(file, 'utf8'));
const t0 = performance.now();
const nlu = createNlu(demoNluCatalog());
const trainMs = performance.now() - t0;
const { report, perIntent, errors } = evaluate(nlu, cases);

process.stderr.write(`trained in ${trainMs.toFixed(0)} ms\n`);
for (const [id, s] of Object.entries(perIntent).sort()) {
  process.stderr.write(`${id.padEnd(20)} f1=${s.f1.toFixed(3)} tp=${s.tp} fp=${s.fp} fn=${s.fn}\n`);
}
if (args.includes('--errors')) {
  for (const e of errors) process.stderr.write(`${JSON.stringify(e)}\n`);
}
process.stdout.write(`${JSON.stringify(report)}\n`);
