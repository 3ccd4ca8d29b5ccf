// Sensors speak MQTT: subscribe to city/sensors/{sensorId}/readings and feed each reading through
// the same ingest path as HTTP. With several server nodes the shared subscription delivers each
// message to one node only. A malformed message is counted and logged, never fatal.

import { EventEmitter } from 'node:events';
import mqtt, { type MqttClient } from 'mqtt';
import type { Logger } from 'pino';
import { z } from 'zod';
import type { IngestService } from './ingestService.ts';

export const READINGS_TOPIC = 'city/sensors/+/readings';
const SHARED_GROUP = 'city-ingest';

const ReadingMessageSchema = z.object({
  ts: z.iso.datetime({ offset: true }),
  metric: z.string().min(1).max(64),
  value: z.number().finite(),
});

export interface MqttStats {
  received: number;
  accepted: number;
  duplicate: number;
  malformed: number;
  rejected: number;
}

export class MqttSource {
  private client: MqttClient | null = null;
  readonly stats: MqttStats = { received: 0, accepted: 0, duplicate: 0, malformed: 0, rejected: 0 };
  /** Emits `handled` after each message is dealt with, whatever the outcome. */
  readonly events = new EventEmitter();

  constructor(
    private readonly url: string,
    private readonly ingest: IngestService,
    private readonly logger: Logger,
  ) {}

  /** Connect and subscribe; resolves once subscribed (the client keeps reconnecting after that). */
  start(): Promise<void> {
    const client = mqtt.connect(this.url, { clientId: `city-${process.pid}-${Date.now().toString(36)}`, reconnectPeriod: 2000, clean: true });
    this.client = client;
    client.on('error', (err) => this.logger.warn({ err: err.message }, 'mqtt error'));
    client.on('message', (topic, payload) => {
      void this.handle(topic, payload).finally(() => this.events.emit('handled', this.stats));
    });
    return new Promise((resolve, reject) => {
      client.once('connect', () => {
        client.subscribe(`$share/${SHARED_GROUP}/${READINGS_TOPIC}`, { qos: 1 }, (err) => (err ? reject(err) : resolve()));
      });
      client.once('error', reject);
    });
  }

  private async handle(topic: string, payload: Buffer): Promise<void> {
    this.stats.received += 1;
    const sensorId = /^city\/sensors\/([^/]+)\/readings$/.exec(topic)?.[1];
    let message: z.infer<typeof ReadingMessageSchema> | null = null;
    try {
      const parsed = ReadingMessageSchema.safeParse(JSON.parse(payload.toString('utf8')));
      if (parsed.success) message = parsed.data;
    } catch {
      message = null;
    }
    if (!sensorId || !message) {
      this.stats.malformed += 1;
      this.logger.warn({ topic, bytes: payload.length }, 'malformed mqtt reading dropped');
      return;
    }
    try {
      const [result] = await this.ingest.submit([
        {
          source: 'sensor',
          // A reading is identified by its sensor and timestamp: a redelivery is a duplicate.
          sourceEventId: `mqtt:${sensorId}:${message.ts}`,
          occurredAt: message.ts,
          payload: { sensorId, metric: message.metric, value: message.value },
        },
      ]);
      if (result) this.stats[result.status] += 1;
      if (result?.status === 'rejected') this.logger.warn({ sensorId, error: result.error }, 'mqtt reading rejected');
    } catch (err) {
      this.logger.error({ err }, 'mqtt reading not stored');
    }
  }

  async stop(): Promise<void> {
    const client = this.client;
    this.client = null;
    if (client) await client.endAsync();
  }
}
