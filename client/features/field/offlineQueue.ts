// Field actions survive a poor connection: each is queued with its own idempotency key, kept in
// storage, and sent in order when the connection allows. A repeat of a key that already reached
// the server is answered from the server's record, so nothing is applied twice.

export interface QueuedAction {
  key: string;
  taskId: string;
  body: Record<string, unknown>;
  queuedAt: string;
}

/** 'done': the server answered (applied, or refused for good); 'retry': not reached, keep it. */
export type SendResult = 'done' | 'retry';
export type Sender = (action: QueuedAction) => Promise<SendResult>;

export interface KeyValueStorage {
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
}

const STORAGE_KEY = 'city.field.queue';

export class OfflineQueue {
  private items: QueuedAction[];
  private flushing: Promise<void> | null = null;
  private readonly listeners = new Set<(size: number) => void>();

  constructor(
    private readonly storage: KeyValueStorage,
    private readonly send: Sender,
    private readonly newKey: () => string = () => crypto.randomUUID(),
  ) {
    try {
      this.items = JSON.parse(storage.getItem(STORAGE_KEY) ?? '[]') as QueuedAction[];
    } catch {
      this.items = [];
    }
  }

  get size(): number {
    return this.items.length;
  }

  subscribe(listener: (size: number) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private save(): void {
    this.storage.setItem(STORAGE_KEY, JSON.stringify(this.items));
    for (const l of this.listeners) l(this.items.length);
  }

  enqueue(taskId: string, body: Record<string, unknown>, now = new Date()): QueuedAction {
    const action = { key: this.newKey(), taskId, body, queuedAt: now.toISOString() };
    this.items.push(action);
    this.save();
    return action;
  }

  /** Send what is waiting, oldest first; stop at the first that cannot get through. */
  flush(): Promise<void> {
    // `.finally` runs after the assignment, even when there is nothing to send.
    this.flushing ??= this.drain().finally(() => {
      this.flushing = null;
    });
    return this.flushing;
  }

  private async drain(): Promise<void> {
    while (this.items.length > 0) {
      const result = await this.send(this.items[0]!).catch((): SendResult => 'retry');
      if (result === 'retry') return;
      this.items.shift();
      this.save();
    }
  }
}

/** The sender for the real API: network errors and 5xx are retried, any other answer is final. */
export function httpSender(baseUrl = '', init: RequestInit = {}): Sender {
  return async (action) => {
    let res: Response;
    try {
      res = await fetch(`${baseUrl}/api/tasks/${action.taskId}/actions`, {
        ...init,
        method: 'POST',
        credentials: 'same-origin',
        headers: { ...(init.headers as Record<string, string> | undefined), 'content-type': 'application/json', 'idempotency-key': action.key },
        body: JSON.stringify(action.body),
      });
    } catch {
      return 'retry';
    }
    return res.status >= 500 ? 'retry' : 'done';
  };
}
