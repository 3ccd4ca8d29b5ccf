import { describe, expect, it } from 'vitest';
import { formatDuration, staleMessage } from './staleness.ts';

describe('staleness message', () => {
  it('counts seconds, minutes and hours in each language', () => {
    expect(formatDuration(42_000, 'en')).toBe('42 s');
    expect(formatDuration(150_000, 'zh-CN')).toBe('2 分钟');
    expect(formatDuration(3 * 3_600_000 + 5, 'en')).toBe('3 h');
  });

  it('says since when, in the city time zone', () => {
    const since = Date.parse('2026-11-22T14:31:02.000Z');
    expect(staleMessage(since, since + 120_000, 'zh-CN', 'America/Chicago')).toBe('连接中断，数据停止于 08:31:02（2 分钟前），正在重连…');
    expect(staleMessage(since, since + 5_000, 'en', 'UTC')).toBe('Connection lost — data stale since 14:31:02 (5 s ago). Reconnecting…');
  });
});
