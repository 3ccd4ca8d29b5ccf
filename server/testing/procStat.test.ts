import { describe, expect, it } from 'vitest';
import { parseStat } from './procStat.ts';

describe('parseStat', () => {
  // A real line's shape: pid (comm) state ppid pgrp session tty tpgid flags minflt cminflt majflt cmajflt utime stime …
  it('reads the name, the parent and user + system ticks', () => {
    expect(parseStat('4242 (CrRendererMain) S 4100 4000 4000 0 -1 4194560 9120 0 3 0 1234 56 0 0 20 0 24 0')).toEqual({ name: 'CrRendererMain', ppid: 4100, ticks: 1290 });
  });

  it('takes a name with spaces and parentheses whole', () => {
    expect(parseStat('7 (Web Content (x)) R 1 7 7 0 -1 0 0 0 0 0 10 5 0 0 20 0 1 0')).toEqual({ name: 'Web Content (x)', ppid: 1, ticks: 15 });
  });

  it('returns null for a line it cannot read rather than a wrong figure', () => {
    expect(parseStat('')).toBeNull();
    expect(parseStat('12 (short) S 1 2')).toBeNull();
  });
});
