// Hand-built concept lexicon: synonyms in both languages map to one concept feature, so an
// intent learnt from "积分过期" also fires on "points lapse" and "积分作废". This is where
// domain knowledge lives; the classifier still decides how much each concept matters.
import { stem, type Token } from './nlu.tokenize.js';
import { CONCEPTS } from './data/concepts.js';

interface CompiledLexicon {
  cjk: Array<[string, string]>;
  cjkToken: Map<string, string>;
  latin: Map<string, Array<{ stems: string[]; concept: string }>>;
}

function compile(): CompiledLexicon {
  const cjk: Array<[string, string]> = [];
  const cjkToken = new Map<string, string>();
  const latin = new Map<string, Array<{ stems: string[]; concept: string }>>();
  for (const [concept, words] of Object.entries(CONCEPTS)) {
    for (const w of words) {
      if (w.startsWith('=')) cjkToken.set(w.slice(1), concept);
      else if (/[\u4e00-\u9fff]/.test(w)) cjk.push([w, concept]);
      else {
        const stems = w.split(/[\s-]+/).map(stem);
        const list = latin.get(stems[0]!) ?? [];
        list.push({ stems, concept });
        latin.set(stems[0]!, list);
      }
    }
  }
  return { cjk, cjkToken, latin };
}

const LEX = compile();

/** Concept ids present in the message (tokens already exclude catalog names). */
export function conceptFeatures(norm: string, tokens: Token[]): Set<string> {
  const out = new Set<string>();
  const compact = norm.length > 400 ? norm.slice(0, 400) : norm;
  for (const [w, c] of LEX.cjk) if (compact.includes(w)) out.add(c);
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i]!;
    const tc = LEX.cjkToken.get(t.text);
    if (tc) out.add(tc);
    const cands = LEX.latin.get(t.norm);
    if (!cands) continue;
    for (const { stems, concept } of cands) {
      let ok = true;
      for (let j = 1; j < stems.length && ok; j++) ok = tokens[i + j]?.norm === stems[j];
      if (ok) out.add(concept);
    }
  }
  return out;
}
