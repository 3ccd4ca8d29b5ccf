import { describe, expect, it } from 'vitest';
import { recommendationText } from './recommendationText.ts';

describe('recommendation reasons', () => {
  const r = { unitId: 'U001', score: 0.8, factors: { distanceM: 1234, etaMin: 3.6, skill: 'listed' as const, openTasks: 1, ownDistrict: true, status: 'available' as const } };
  it('reads as one line in each language', () => {
    expect(recommendationText(r, 'en')).toBe('1.2 km · 4 min · skilled · 1 open tasks · own district');
    expect(recommendationText(r, 'zh-CN')).toBe('1.2 公里 · 4 分钟 · 专业对口 · 在办 1 件 · 属地');
  });
});
