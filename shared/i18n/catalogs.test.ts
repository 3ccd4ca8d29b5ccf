import { describe, expect, it } from 'vitest';
import { catalogs, translate } from './index.ts';
import { en } from './en.ts';
import { zhCN } from './zh-CN.ts';

describe('message catalogs', () => {
  it('have exactly the same keys in zh-CN and en, none empty', () => {
    expect(Object.keys(zhCN).sort()).toEqual(Object.keys(en).sort());
    for (const catalog of Object.values(catalogs)) for (const text of Object.values(catalog)) expect(text.trim()).not.toBe('');
  });

  it('use the same placeholders in both languages', () => {
    const placeholders = (s: string) => (s.match(/\{\w+\}/g) ?? []).sort();
    for (const key of Object.keys(en) as (keyof typeof en)[]) expect(placeholders(zhCN[key]), key).toEqual(placeholders(en[key]));
  });

  it('fill placeholders and leave unknown ones visible', () => {
    expect(translate('en', 'duration.minutes', { n: 3 })).toBe('3 min');
    expect(translate('zh-CN', 'duration.minutes')).toBe('{n} 分钟');
  });
});
