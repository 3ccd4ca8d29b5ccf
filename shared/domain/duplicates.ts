// Duplicate suggestions: open incidents near in space and time, of a related category, saying
// much the same thing. Text similarity uses character bigrams (Dice coefficient), which works for
// Chinese — no word boundaries needed — and for English alike.
//
// score = 0.35·near + 0.20·recent + 0.20·category + 0.25·text, each in [0, 1]:
//   near     1 − distance/radius (radius per category, default 200 m); beyond the radius: not a candidate
//   recent   1 − age/window (default 24 h); older: not a candidate
//   category 1 same leaf, 0.5 same parent group, 0 otherwise (unknown category: 0.5)
//   text     Dice coefficient of the two texts' character bigrams

import { distanceMeters } from './geo.ts';
import { isOpen } from './incidentMachine.ts';
import type { Incident } from './types.ts';

export const DUPLICATE_WEIGHTS = { near: 0.35, recent: 0.2, category: 0.2, text: 0.25 } as const;
export const DEFAULT_DUPLICATE_RADIUS_M = 200;
export const DEFAULT_DUPLICATE_WINDOW_MS = 24 * 3_600_000;

function bigrams(text: string): Map<string, number> {
  const chars = [...text.toLowerCase().replace(/[\s\p{P}]+/gu, '')];
  const grams = new Map<string, number>();
  for (let i = 0; i < chars.length - 1; i += 1) {
    const g = chars[i]! + chars[i + 1]!;
    grams.set(g, (grams.get(g) ?? 0) + 1);
  }
  return grams;
}

/** Dice coefficient over character bigrams (multiset), in [0, 1]. */
export function textSimilarity(a: string, b: string): number {
  const ga = bigrams(a);
  const gb = bigrams(b);
  let total = 0;
  let shared = 0;
  for (const n of ga.values()) total += n;
  for (const n of gb.values()) total += n;
  for (const [g, n] of ga) shared += Math.min(n, gb.get(g) ?? 0);
  return total === 0 ? 0 : (2 * shared) / total;
}

function categoryAffinity(a: string | null, b: string | null): number {
  if (!a || !b) return 0.5;
  if (a === b) return 1;
  const parent = (code: string) => code.split('.').slice(0, -1).join('.');
  return parent(a) === parent(b) ? 0.5 : 0;
}

export interface DuplicateFactors {
  distanceM: number;
  ageMin: number;
  category: number;
  text: number;
}

export interface DuplicateCandidate {
  incidentId: string;
  score: number;
  factors: DuplicateFactors;
}

type Comparable = Pick<Incident, 'id' | 'location' | 'category' | 'text' | 'createdAt' | 'status' | 'parentId'>;

export function scoreDuplicates(
  subject: Comparable,
  others: readonly Comparable[],
  radiusM = DEFAULT_DUPLICATE_RADIUS_M,
  windowMs = DEFAULT_DUPLICATE_WINDOW_MS,
): DuplicateCandidate[] {
  if (!subject.location) return [];
  const at = Date.parse(subject.createdAt);
  const out: DuplicateCandidate[] = [];
  for (const other of others) {
    if (other.id === subject.id || !other.location || !isOpen(other.status) || other.parentId) continue;
    const distanceM = distanceMeters(subject.location, other.location);
    const ageMs = Math.abs(at - Date.parse(other.createdAt));
    if (distanceM > radiusM || ageMs > windowMs) continue;
    const factors: DuplicateFactors = {
      distanceM: Math.round(distanceM),
      ageMin: Math.round(ageMs / 60_000),
      category: categoryAffinity(subject.category, other.category),
      text: Math.round(textSimilarity(subject.text, other.text) * 100) / 100,
    };
    const w = DUPLICATE_WEIGHTS;
    const score = w.near * (1 - distanceM / radiusM) + w.recent * (1 - ageMs / windowMs) + w.category * factors.category + w.text * factors.text;
    out.push({ incidentId: other.id, score: Math.round(score * 1000) / 1000, factors });
  }
  return out.sort((a, b) => b.score - a.score || a.factors.distanceM - b.factors.distanceM);
}
