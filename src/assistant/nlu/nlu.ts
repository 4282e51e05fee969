// The NLU engine: createNlu(catalog) trains the intent model once and returns a synchronous
// parser. The catalog is data, replaceable at runtime with updateCatalog(); the model needs no
// retraining for new courses because catalog names reach it only as #course/#item slots.
import type { TrainOptions } from './nlu.classifier.js';
import { buildCatalogIndex, type CatalogIndex } from './nlu.catalog-index.js';
import { findCatalogMatches, pickBest, type EntityMatch } from './nlu.entities.js';
import { extractFeatures } from './nlu.features.js';
import { trainIntentModel, vectorize, type IntentModel } from './nlu.model.js';
import { detectLang, normalizeText } from './nlu.normalize.js';
import { extractNumbers, extractUser } from './nlu.numbers.js';
import { filterEntities, type CollectedEntities } from './nlu.slots.js';
import { tokenizeNormalized } from './nlu.tokenize.js';
import { defaultTrainingExamples } from './nlu.training.js';
import {
  INTENT_IDS,
  type Entities,
  type IntentId,
  type NluCatalog,
  type ParseOptions,
  type ParseResult,
  type TrainingExample,
} from './nlu.types.js';

export interface NluOptions {
  /** Below this top probability the message is out_of_scope. */
  minConfidence?: number;
  /** Below this gap between the two best intents a message with no domain word is out_of_scope. */
  minMargin?: number;
  /**
   * Stricter threshold for messages with no domain word at all (no points/course/mall/... concept
   * and no catalog name): those are far more often chit-chat that merely resembles an intent.
   */
  offDomainMinConfidence?: number;
  examples?: TrainingExample[];
  train?: TrainOptions;
}

export interface Nlu {
  parse(text: string, opts?: ParseOptions): ParseResult;
  /** Full calibrated distribution over all intents (sums to 1). */
  scores(text: string): Record<IntentId, number>;
  updateCatalog(catalog: NluCatalog): void;
}

/** Only this much of a message is analysed; it bounds latency for pasted walls of text. */
const MAX_INPUT = 2000;
const OOS = INTENT_IDS.indexOf('out_of_scope');

interface Analysis {
  norm: string;
  matches: EntityMatch[];
  user?: string;
  probs: Float64Array;
  knownWords: number;
  inDomain: boolean;
}

export function createNlu(catalog: NluCatalog, options: NluOptions = {}): Nlu {
  const minConfidence = options.minConfidence ?? 0.3;
  const minMargin = options.minMargin ?? 0.05;
  const offDomainMin = options.offDomainMinConfidence ?? 0.55;
  let index: CatalogIndex = buildCatalogIndex(catalog);

  const featurize = (raw: string, known: ReadonlySet<string>) => {
    const norm = normalizeText(raw.length > MAX_INPUT ? raw.slice(0, MAX_INPUT) : raw);
    const tokens = tokenizeNormalized(norm);
    const matches = findCatalogMatches(norm, tokens, index, known);
    const user = extractUser(norm);
    return {
      norm,
      matches,
      user,
      features: extractFeatures({ norm, tokens, matches, hasUser: user !== undefined }),
    };
  };

  const examples = options.examples ?? defaultTrainingExamples();
  const model: IntentModel = trainIntentModel(
    examples,
    (t, known) => featurize(t, known).features,
    knownVocabulary(examples),
    options.train,
  );

  const analyse = (text: string): Analysis => {
    const { norm, matches, user, features } = featurize(text, model.knownWords);
    const { vec, knownWords } = vectorize(features, model.vocab);
    return {
      norm,
      matches,
      user,
      probs: model.classifier.predict(vec),
      knownWords,
      inDomain: isInDomain(features),
    };
  };

  const parse = (text: string, opts: ParseOptions = {}): ParseResult => {
    const a = analyse(typeof text === 'string' ? text : String(text ?? ''));
    const lang = detectLang(a.norm, opts.lang);
    const order = INTENT_IDS.map((_, i) => i).sort((x, y) => a.probs[y]! - a.probs[x]!);
    const ranking = order.slice(0, 3).map((i) => ({ intent: INTENT_IDS[i]!, score: a.probs[i]! }));
    const top = order[0]!;
    const p1 = a.probs[top]!;
    const p2 = a.probs[order[1]!]!;
    const floor = a.inDomain ? minConfidence : offDomainMin;
    // A near-tie between two domain intents is still a domain question: picking the better
    // of the two beats a certain miss. The margin rule only guards off-domain messages.
    const forcedOos = a.knownWords === 0 || p1 < floor || (!a.inDomain && p1 - p2 < minMargin);
    const intent: IntentId = forcedOos ? 'out_of_scope' : INTENT_IDS[top]!;
    const confidence = forcedOos && top !== OOS ? Math.max(a.probs[OOS]!, 1 - p1) : p1;
    const all = collectEntities(a);
    return {
      intent,
      confidence,
      ranking,
      entities: filterEntities(intent, all, a.matches),
      allEntities: all.entities,
      lang,
    };
  };

  return {
    parse,
    scores(text: string) {
      const { probs } = analyse(text);
      return Object.fromEntries(INTENT_IDS.map((id, i) => [id, probs[i]!])) as Record<
        IntentId,
        number
      >;
    },
    updateCatalog(next: NluCatalog) {
      index = buildCatalogIndex(next);
    },
  };
}

/**
 * Latin words of the training set are real vocabulary and never "corrected" into a catalog
 * name ("waiting" is not a typo of "writing"). The training data therefore spells catalog
 * names correctly; typo tolerance is tested, not trained.
 */
function knownVocabulary(examples: TrainingExample[]): Set<string> {
  const known = new Set<string>();
  for (const ex of examples) {
    for (const t of tokenizeNormalized(normalizeText(ex.text)))
      if (t.kind === 'ascii') known.add(t.text);
  }
  return known;
}

const GENERIC_CONCEPTS = new Set([
  'k:WHAT',
  'k:ME',
  'k:GREET',
  'k:THANKS',
  'k:HELP',
  'k:HUMAN',
  'k:RECOMMEND',
  'k:BUY',
]);

/** Domain words: any concept of the points/course/mall world, or a catalog name. */
function isInDomain(features: Map<string, number>): boolean {
  for (const name of features.keys()) {
    if (name === '#course' || name === '#item' || name === '#topic') return true;
    if (name.startsWith('k:') && !GENERIC_CONCEPTS.has(name)) return true;
  }
  return false;
}

function collectEntities(a: Analysis): CollectedEntities {
  const entities: Entities = {};
  const course = pickBest(a.matches, 'course');
  const item = pickBest(a.matches, 'item');
  const topic = pickBest(a.matches, 'topic');
  if (course) entities.course = course.slug;
  if (item) entities.item = item.slug;
  if (topic) entities.topic = topic.slug;
  // Blank out catalog names so digits inside them ("20元券", "Finance 101") aren't numbers.
  let masked = a.norm.length > MAX_INPUT ? a.norm.slice(0, MAX_INPUT) : a.norm;
  for (const m of a.matches) {
    if (m.kind === 'topic') continue;
    masked = masked.slice(0, m.start) + '\ue000'.repeat(m.end - m.start) + masked.slice(m.end);
  }
  Object.assign(entities, extractNumbers(masked));
  if (a.user !== undefined) entities.user = a.user;
  return { entities, courseMatch: course, topicMatch: topic };
}
