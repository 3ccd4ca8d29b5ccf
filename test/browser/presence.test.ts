import { afterAll, beforeAll, describe, it } from 'vitest';
import { browserUnavailable, signIn, startWorld, type BrowserWorld } from './browserHarness.ts';
import { ingest, patrolReport } from '../../server/testing/harness.ts';

const skip = browserUnavailable();

describe.skipIf(skip !== null)('two desks on one incident', () => {
  let world: BrowserWorld;
  beforeAll(async () => {
    world = await startWorld();
  });
  afterAll(async () => {
    await world?.close();
  });

  it('each sees the other is also viewing, and the notice goes when one moves on', async () => {
    const id = (await ingest(world.server.url, [patrolReport()])).body.results[0].incidentId as string;
    const dispatcher = await signIn(world, 'dispatcher');
    const supervisor = await signIn(world, 'supervisor');
    await dispatcher.page.waitForURL(/\/dispatch/);
    await supervisor.page.waitForURL(/\/supervise/);
    await supervisor.page.goto(`${world.server.url}/dispatch`);
    for (const { page } of [dispatcher, supervisor]) {
      await page.click(`[data-testid="queue-item"][data-incident-id="${id}"]`);
      await page.waitForSelector(`[data-testid="incident-detail"][data-incident-id="${id}"]`);
    }
    await dispatcher.page.waitForSelector('[data-testid="also-viewing"]:has-text("Supervisor")');
    await supervisor.page.waitForSelector('[data-testid="also-viewing"]:has-text("Dispatcher")');
    await supervisor.context.close();
    await dispatcher.page.waitForSelector('[data-testid="also-viewing"]', { state: 'detached' });
  });
});
