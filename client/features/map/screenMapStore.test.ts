import { describe, expect, it } from 'vitest';
import { initialScreenMap, isFocusStep, type ScreenMapState } from './screenMapStore.ts';

describe('isFocusStep (whose change of view it is)', () => {
  const base = initialScreenMap('');
  const focused: ScreenMapState = { ...base, selected: { kind: 'incident', id: 'a', focus: true } };

  it('is the focus opening its card, moving to the next critical incident, and closing it', () => {
    expect(isFocusStep(focused, base)).toBe(true);
    expect(isFocusStep({ ...base, selected: { kind: 'incident', id: 'b', focus: true } }, focused)).toBe(true);
    expect(isFocusStep(base, focused)).toBe(true);
  });

  it('is a person for a click, a toggle, the shading or the window, even while the focus is on', () => {
    expect(isFocusStep({ ...base, selected: { kind: 'incident', id: 'a' } }, base)).toBe(false);
    expect(isFocusStep({ ...focused, selected: { kind: 'sensor', id: 's' } }, focused)).toBe(false);
    expect(isFocusStep(base, { ...base, selected: { kind: 'unit', id: 'u' } })).toBe(false);
    expect(isFocusStep({ ...focused, layers: { ...focused.layers, heat: false } }, focused)).toBe(false);
    expect(isFocusStep({ ...focused, shading: 'risk' }, focused)).toBe(false);
    expect(isFocusStep({ ...focused, timeWindow: '1h' }, focused)).toBe(false);
  });
});
