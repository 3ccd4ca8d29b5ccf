import { describe, expect, it } from 'vitest';
import { scoreDuplicates, textSimilarity } from './duplicates.ts';
import type { Incident } from './types.ts';

const t0 = '2026-11-22T08:00:00.000Z';
const at = (minutes: number) => new Date(Date.parse(t0) + minutes * 60_000).toISOString();
type C = Pick<Incident, 'id' | 'location' | 'category' | 'text' | 'createdAt' | 'status' | 'parentId'>;
const inc = (id: string, metresEast: number, minutes: number, text: string, category = 'municipal.drainage.waterlogging', patch: Partial<C> = {}): C => ({
  id,
  location: [-87.6298 + metresEast / 83_000, 41.8781],
  category,
  text,
  createdAt: at(minutes),
  status: 'new',
  parentId: null,
  ...patch,
});

describe('textSimilarity', () => {
  it('scores Chinese and English by shared character bigrams', () => {
    expect(textSimilarity('路口积水严重', '路口积水很严重')).toBeGreaterThan(0.6);
    expect(textSimilarity('路口积水严重', '噪音扰民')).toBe(0);
    expect(textSimilarity('Deep water at the crossing', 'deep water at crossing!')).toBeGreaterThan(0.8);
    expect(textSimilarity('', 'x')).toBe(0);
  });
});

describe('scoreDuplicates', () => {
  const subject = inc('s', 0, 30, '路口积水严重，车辆无法通行');
  it('orders candidates by closeness, recency, category and text, and drops the far, old and closed', () => {
    const ranked = scoreDuplicates(subject, [
      inc('same-words-next-door', 20, 25, '路口积水严重，车无法通行'),
      inc('same-place-other-words', 20, 25, '有人在路口倒垃圾', 'environment.sanitation.garbage'),
      inc('near-sibling-category', 150, 0, '下水道堵塞', 'municipal.drainage.blocked_drain'),
      inc('too-far', 400, 25, '路口积水严重'),
      inc('too-old', 10, 60 * 30, '路口积水严重'),
      inc('closed', 10, 25, '路口积水严重', undefined, { status: 'closed' }),
      subject,
    ]);
    // Same place and minute outweighs a related category 150 m away: 0.35·0.9 + 0.2 ≈ 0.52
    // against 0.35·0.25 + 0.2 + 0.2·0.5 ≈ 0.38.
    expect(ranked.map((r) => r.incidentId)).toEqual(['same-words-next-door', 'same-place-other-words', 'near-sibling-category']);
    expect(ranked[0]!.factors).toMatchObject({ category: 1, ageMin: 5 });
    expect(ranked[0]!.factors.text).toBeGreaterThan(0.7);
  });
});
