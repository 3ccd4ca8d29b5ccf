// The summary shown before the snapshot: only into the session that asked for it, and never over
// the stream's own figures. The server is stood in for by a fetch the test answers by hand.
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { CityMetrics, User } from '../../../shared/domain/types.ts';
import { initialState, setUser, useAppStore } from '../../store/cityStore.ts';
import { requestEarlyMetrics } from './useEarlyMetrics.ts';

const operator: User = { id: 'u-operator', username: 'operator', role: 'operator', displayName: 'Operator' };
const officer: User = { id: 'u-officer', username: 'officer', role: 'officer', displayName: 'Officer', districtId: 'D1' };
const cityWide = { openIncidents: 1234 } as CityMetrics;

/** A fetch whose one answer the test releases; the request it saw is kept. */
function pendingFetch() {
  let answer: (body: unknown) => void = () => undefined;
  const seen: string[] = [];
  vi.stubGlobal('fetch', (url: string) => {
    seen.push(url);
    return new Promise((resolve) => {
      answer = (body) => resolve(new Response(JSON.stringify(body), { status: 200 }));
    });
  });
  return { seen, answer: (body: unknown) => answer(body) };
}

describe('early vital signs', () => {
  afterEach(() => {
    vi.unstubAllGlobals();
    useAppStore.setState(initialState('zh-CN'));
  });

  it('shows the summary to the screen that asked, while it waits for its snapshot', async () => {
    const server = pendingFetch();
    setUser(operator);
    const done = requestEarlyMetrics();
    expect(server.seen).toEqual(['/api/metrics/summary']);
    // Asked twice (the app, then the tiles): one request.
    void requestEarlyMetrics();
    expect(server.seen).toHaveLength(1);
    server.answer(cityWide);
    await done;
    expect(useAppStore.getState().city.metrics).toEqual(cityWide);
  });

  it("never shows one person's figures to the next one to sign in", async () => {
    const server = pendingFetch();
    setUser(operator);
    const done = requestEarlyMetrics();
    // The operator signs out and an officer signs in before the city-wide answer arrives.
    useAppStore.setState(initialState('zh-CN'));
    setUser(officer);
    server.answer(cityWide);
    await done;
    expect(useAppStore.getState().city.metrics).toBeNull();
  });

  it('never writes over figures the stream already brought', async () => {
    const server = pendingFetch();
    setUser(operator);
    const done = requestEarlyMetrics();
    const fromStream = { openIncidents: 7 } as CityMetrics;
    useAppStore.setState((s) => ({ city: { ...s.city, seq: 42, metrics: fromStream } }));
    server.answer(cityWide);
    await done;
    expect(useAppStore.getState().city.metrics).toBe(fromStream);
  });
});
