import { describe, expect, it } from 'vitest';
import { openIncident } from '../../shared/domain/incidentFactory.ts';
import type { Incident, LonLat } from '../../shared/domain/types.ts';
import { RepeatCallIndex } from './repeatCalls.ts';

const NOW = '2026-11-22T12:00:00.000Z';
const HERE: LonLat = [-87.63, 41.88];
const metresEast = ([lon, lat]: LonLat, m: number): LonLat => [lon + m / (111_320 * Math.cos((lat * Math.PI) / 180)), lat];

function incident(id: string, text: string, location: LonLat, createdAt = NOW, category = 'municipal.roads.pothole'): Incident {
  return openIncident({ id, codePrefix: 'GD', source: 'hotline', text, category, severity: 'medium', location, address: null, placement: null, now: createdAt });
}

describe('the repeated-call index', () => {
  it('finds the repeat among a busy block of other cases, and never one beyond the radius', () => {
    const index = new RepeatCallIndex();
    // Forty other complaints (about rubbish) 20–60 m away, two hundred potholes 250 m away (past a 200 m radius).
    for (let n = 0; n < 40; n += 1) index.put(incident(`near-${n}`, `垃圾没人清 ${n} 号`, metresEast(HERE, 20 + n), NOW, 'environment.sanitation.garbage'));
    for (let n = 0; n < 200; n += 1) index.put(incident(`far-${n}`, '路面有个大坑，车开过去很危险。', metresEast(HERE, 250)));
    index.put(incident('same', '路面有个大坑，车开过去很危险。', metresEast(HERE, 10)));

    const call = incident('call', '路面有个大坑，车开过去很危险。', HERE);
    expect(index.bestMatch(call, 200, 0.7)?.incidentId).toBe('same');
    // With the only close match gone, the identical text past the radius does not count.
    index.put({ ...incident('same', 'x', metresEast(HERE, 10)), status: 'closed' });
    expect(index.bestMatch(call, 200, 0.7)).toBeNull();
  });

  it('forgets cases older than its window', () => {
    const index = new RepeatCallIndex(3600_000);
    index.put(incident('old', '井盖丢了', HERE, '2026-11-22T10:00:00.000Z'));
    expect(index.bestMatch(incident('call', '井盖丢了', HERE), 200, 0.5)).toBeNull();
    expect(index.size).toBe(0);
  });
});
