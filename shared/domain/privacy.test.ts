import { describe, expect, it } from 'vitest';
import { maskName, maskPhone } from './privacy.ts';

describe('masking callers', () => {
  it('keeps the first three and last four digits of a phone', () => {
    expect(maskPhone('13812341234')).toBe('138****1234');
    expect(maskPhone('+1 312-555-0100')).toBe('131****0100');
    expect(maskPhone('12345')).toBe('***45');
  });
  it('keeps only the first letter of each name part', () => {
    expect(maskName('王伟')).toBe('王*');
    expect(maskName('欧阳娜娜')).toBe('欧***');
    expect(maskName('Maria Garcia')).toBe('M**** G*****');
    expect(maskName('Li')).toBe('L*');
  });
});
