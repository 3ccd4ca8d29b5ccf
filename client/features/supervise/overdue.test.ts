import { describe, expect, it } from 'vitest';
import type { Incident } from '../../../shared/domain/types.ts';
import { overdueList, suspendedList } from './overdue.ts';
import { tableOf } from '../../../shared/domain/cityReducer.ts';

const base = { status: 'triaged', escalationLevel: 0, deadline: null } as unknown as Incident;
const make = (id: string, patch: Partial<Incident>): Incident => ({ ...base, id, ...patch });

describe('overdue list', () => {
  it('keeps red and escalated open cases, level 2 first, then the longest overdue', () => {
    const red = (dueAt: string) => ({ stage: 'dispatch', dueAt, used: 1.2, light: 'red' }) as const;
    const list = overdueList(tableOf({
      a: make('a', { deadline: red('2026-11-30T10:00:00Z') }),
      b: make('b', { deadline: red('2026-11-30T09:00:00Z') }),
      c: make('c', { escalationLevel: 2, deadline: red('2026-11-30T11:00:00Z') }),
      d: make('d', { deadline: { stage: 'dispatch', dueAt: 'x', used: 0.5, light: 'green' } }),
      e: make('e', { status: 'closed', escalationLevel: 1 }),
    }));
    expect(list.map((i) => i.id)).toEqual(['c', 'b', 'a']);
  });

  it('lists cases with a suspension still running', () => {
    const list = suspendedList(tableOf({
      a: make('a', { pauses: [{ kind: 'suspension', requestId: 'r', from: 'x', to: null }] }),
      b: make('b', { pauses: [{ kind: 'suspension', requestId: 'r', from: 'x', to: 'y' }] }),
      c: make('c', { pauses: [{ kind: 'extension', requestId: 'r', from: 'x', to: 'z' }] }),
    }));
    expect(list.map((i) => i.id)).toEqual(['a']);
  });
});
