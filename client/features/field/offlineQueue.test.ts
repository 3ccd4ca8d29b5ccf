import { describe, expect, it } from 'vitest';
import { OfflineQueue, type QueuedAction, type SendResult } from './offlineQueue.ts';

function memoryStorage() {
  const data = new Map<string, string>();
  return { getItem: (k: string) => data.get(k) ?? null, setItem: (k: string, v: string) => void data.set(k, v) };
}

describe('offline queue', () => {
  it('keeps actions while the network is down and sends each once, in order, when it returns', async () => {
    const storage = memoryStorage();
    const sent: QueuedAction[] = [];
    let online = false;
    let n = 0;
    const queue = new OfflineQueue(storage, async (a): Promise<SendResult> => {
      if (!online) throw new TypeError('Failed to fetch');
      sent.push(a);
      return 'done';
    }, () => `key-${++n}-abcdef`);
    queue.enqueue('t1', { action: 'accept', version: 1 });
    queue.enqueue('t1', { action: 'arrive', version: 2 });
    await queue.flush();
    expect(queue.size).toBe(2);
    expect(sent).toEqual([]);

    // A page reload in between: the queue is in storage.
    const reloaded = new OfflineQueue(storage, async (a) => {
      sent.push(a);
      return 'done';
    });
    expect(reloaded.size).toBe(2);
    online = true;
    await reloaded.flush();
    await reloaded.flush();
    expect(sent.map((a) => [a.key, a.body.action])).toEqual([['key-1-abcdef', 'accept'], ['key-2-abcdef', 'arrive']]);
    expect(reloaded.size).toBe(0);
  });

  it('sends what is enqueued after a flush that found nothing to do', async () => {
    const sent: string[] = [];
    const queue = new OfflineQueue(memoryStorage(), async (a) => {
      sent.push(a.key);
      return 'done';
    });
    await queue.flush();
    const action = queue.enqueue('t1', { action: 'accept', version: 1 });
    await queue.flush();
    expect(sent).toEqual([action.key]);
  });

  it('tells its listeners how many actions wait', async () => {
    const sizes: number[] = [];
    const queue = new OfflineQueue(memoryStorage(), async () => 'retry');
    queue.subscribe((size) => sizes.push(size));
    queue.enqueue('t1', { action: 'accept', version: 1 });
    await queue.flush();
    expect(sizes).toEqual([1]);
  });
});
