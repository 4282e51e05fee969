// Course recommendations, for now by content: TF-IDF vectors of each course's text (titles,
// descriptions and tags in both languages), compared by cosine similarity with what the user
// is enrolled in. A user with no enrollments gets the most popular courses (enrollments, then
// the `hot` flag). Collaborative filtering comes later.
import type { CourseView } from '../catalog/catalog.service.js';
import type { AssistantServices } from './assistant.deps.js';
import { cjkNgrams, tokenize } from './nlu/nlu.tokenize.js';
import { normalizeText } from './nlu/nlu.normalize.js';

type Vector = Map<string, number>;

function courseText(c: CourseView): string {
  return [
    c.titleZh,
    c.titleEn,
    c.descriptionZh,
    c.descriptionEn,
    c.category,
    ...c.tags,
    ...c.tags,
  ].join(' ');
}

export function tfidfVectors(docs: string[]): Vector[] {
  // Words (stemmed English, segmented Chinese) plus Chinese character n-grams.
  const tokenized = docs.map((d) => [
    ...tokenize(d)
      .filter((t) => t.kind !== 'other')
      .map((t) => t.norm),
    ...cjkNgrams(normalizeText(d)),
  ]);
  const df = new Map<string, number>();
  for (const toks of tokenized)
    for (const term of new Set(toks)) df.set(term, (df.get(term) ?? 0) + 1);
  return tokenized.map((toks) => {
    const tf = new Map<string, number>();
    for (const term of toks) tf.set(term, (tf.get(term) ?? 0) + 1);
    const v: Vector = new Map();
    let norm = 0;
    for (const [term, n] of tf) {
      const w = (1 + Math.log(n)) * Math.log((docs.length + 1) / (df.get(term)! + 0.5));
      if (w > 0) {
        v.set(term, w);
        norm += w * w;
      }
    }
    norm = Math.sqrt(norm) || 1;
    for (const [term, w] of v) v.set(term, w / norm);
    return v;
  });
}

export function cosine(a: Vector, b: Vector): number {
  let sum = 0;
  const [small, large] = a.size < b.size ? [a, b] : [b, a];
  for (const [term, w] of small) sum += w * (large.get(term) ?? 0);
  return sum;
}

export async function recommendCourses(
  s: Pick<AssistantServices, 'catalog' | 'orders' | 'enrollments'>,
  userId: number,
  k: number,
): Promise<{ courses: CourseView[]; basedOn: 'history' | 'popular' }> {
  const courses = await s.catalog.listCourses();
  const owned = new Set((await s.orders.enrollments(userId)).map((e) => e.slug));
  const candidates = courses.filter((c) => !owned.has(c.slug));
  if (owned.size && candidates.length) {
    const vectors = tfidfVectors(courses.map(courseText));
    const bySlug = new Map(courses.map((c, i) => [c.slug, vectors[i]!]));
    const mine = courses.filter((c) => owned.has(c.slug)).map((c) => bySlug.get(c.slug)!);
    const scored = candidates
      .map((c) => ({ c, score: Math.max(...mine.map((m) => cosine(m, bySlug.get(c.slug)!))) }))
      .sort((x, y) => y.score - x.score || Number(y.c.hot) - Number(x.c.hot));
    return { courses: scored.slice(0, k).map((x) => x.c), basedOn: 'history' };
  }
  const enrolled = await s.enrollments.activeByCourse();
  const popularity = new Map(courses.map((c) => [c.slug, enrolled.get(c.id) ?? 0]));
  const ranked = [...candidates].sort(
    (a, b) =>
      (popularity.get(b.slug) ?? 0) - (popularity.get(a.slug) ?? 0) ||
      Number(b.hot) - Number(a.hot),
  );
  return { courses: ranked.slice(0, k), basedOn: 'popular' };
}
