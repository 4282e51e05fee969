import { describe, expect, it } from 'vitest';
import { DEMO_COURSES } from './data/demo-catalog.js';
import { coursePointsPrice, searchEntries, searchScore } from './catalog.rules.js';

describe('catalog rules', () => {
  it('prices a course at fen × k unless overridden', () => {
    expect(coursePointsPrice({ priceFen: 19900, pointsPrice: null })).toBe(19900);
    expect(coursePointsPrice({ priceFen: 19900, pointsPrice: 15000 })).toBe(15000);
    expect(coursePointsPrice({ priceFen: 100, pointsPrice: null }, 2)).toBe(200);
  });

  it('finds courses in Chinese and English over titles, tags and descriptions', () => {
    expect(searchEntries(DEMO_COURSES, 'python')[0]!.slug).toBe('python-basics');
    expect(searchEntries(DEMO_COURSES, 'Python').map((c) => c.slug)).toContain(
      'data-analysis-pandas',
    );
    expect(searchEntries(DEMO_COURSES, '机器学习')[0]!.slug).toBe('machine-learning-intro');
    expect(searchEntries(DEMO_COURSES, '数据库')[0]!.slug).toBe('sql-databases');
    expect(searchEntries(DEMO_COURSES, 'PyTorch').map((c) => c.slug)).toEqual(['deep-learning']);
    expect(searchEntries(DEMO_COURSES, 'neural networks').map((c) => c.slug)).toEqual([
      'deep-learning',
    ]);
    expect(searchEntries(DEMO_COURSES, 'quantum chromodynamics')).toEqual([]);
  });

  it('requires every term to match and returns everything for an empty query', () => {
    expect(searchScore(DEMO_COURSES[0]!, 'python finance')).toBe(0);
    expect(searchEntries(DEMO_COURSES, '  ')).toHaveLength(DEMO_COURSES.length);
  });
});
