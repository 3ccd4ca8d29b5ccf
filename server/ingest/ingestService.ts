// The one ingest path: HTTP batches, the simulator (and later Open311 and MQTT) all come here.
// Each item is validated on its own (a bad item never spoils the good ones), prepared, and handed
// to a group committer that writes everything submitted in the same tick in one durable
// transaction. Results are returned only after that commit; changes are published after it.

import { randomUUID } from 'node:crypto';
import {
  IngestEventSchema,
  fieldIssues,
  type IngestEvent,
  type IngestItemResult,
} from '../../shared/protocol/schemas.ts';
import { openIncident } from '../../shared/domain/incidentFactory.ts';
import { INITIAL_RULE_STATE, evaluate } from '../../shared/domain/alarmRule.ts';
import { localDateCode } from '../../shared/domain/time.ts';
import type { Alarm, Incident, LonLat, Sensor, SensorState, Severity } from '../../shared/domain/types.ts';
import type { IngestCommit, IngestWrite, ReadingDecider, Store } from '../store/Store.ts';
import type { LiveHub } from '../realtime/liveHub.ts';
import type { CityReference } from '../services/cityReference.ts';
import { RepeatCallIndex } from './repeatCalls.ts';
import { DEFAULT_DUPLICATE_RADIUS_M, DEFAULT_DUPLICATE_WINDOW_MS } from '../../shared/domain/duplicates.ts';

/** How far ahead of the server's clock an event may claim to have happened. */
const MAX_CLOCK_SKEW_MS = 5 * 60_000;
/** Margin around the city's grids within which a location is still accepted. */
const BOUNDS_MARGIN_DEG = 0.02;

type Prepared = { ok: true; write: IngestWrite } | { ok: false; result: IngestItemResult };

interface QueuedBatch {
  writes: IngestWrite[];
  now: Date;
  resolve: (commit: IngestCommit) => void;
  reject: (error: unknown) => void;
}

export interface IngestListener {
  onCommitted(commit: IngestCommit): void;
}

export class IngestService {
  private readonly sensors = new Map<string, Sensor>();
  private queue: QueuedBatch[] = [];
  private scheduled = false;
  readonly stats = { accepted: 0, duplicate: 0, rejected: 0, commits: 0 };

  constructor(
    private readonly store: Store,
    private readonly city: CityReference,
    private readonly hub: LiveHub,
    private readonly timeZone: string,
    private readonly listeners: IngestListener[] = [],
    /** A call scoring at least this against an open incident is linked to it, not opened anew. */
    private readonly autoLinkScore = 0.7,
  ) {
    hub.onFacts((changes) => this.repeats.observe(changes));
  }

  private readonly repeats = new RepeatCallIndex();
  /** Gives a newly opened incident its first deadline; identity until deadlines are wired in. */
  private stampNew: (incident: Incident) => Incident = (incident) => incident;

  /** Every incident opened by ingest (reports, calls, alarms) is born with its clock running. */
  setIncidentStamp(stamp: (incident: Incident) => Incident): void {
    this.stampNew = stamp;
  }

  /** Ingest items waiting for the next group commit (a queue depth for /metrics). */
  get queueDepth(): number {
    return this.queue.reduce((n, b) => n + b.writes.length, 0);
  }

  /** Load the open incidents of the last day into the repeated-call index. */
  async start(now = new Date()): Promise<void> {
    const since = new Date(now.getTime() - DEFAULT_DUPLICATE_WINDOW_MS).toISOString();
    for (const incident of await this.store.openIncidentsSince(since)) this.repeats.put(incident);
  }

  registerSensors(sensors: readonly Sensor[]): void {
    for (const s of sensors) this.sensors.set(s.id, s);
  }

  sensorDistrict = (id: string): string | undefined => this.sensors.get(id)?.districtId;

  /** Validate, store durably, publish; one result per event, in order. */
  async submit(events: readonly unknown[], now = new Date()): Promise<IngestItemResult[]> {
    const prepared = events.map((event) => this.prepare(event, now));
    const writes = prepared.flatMap((p) => (p.ok ? [p.write] : []));
    const commit = writes.length > 0 ? await this.enqueue(writes, now) : undefined;
    let w = 0;
    const results = prepared.map((p): IngestItemResult => {
      if (!p.ok) return p.result;
      const write = p.write;
      const outcome = commit!.outcomes[w++]!;
      return {
        sourceEventId: write.sourceEventId,
        status: outcome.status,
        ...(outcome.incidentId ? { incidentId: outcome.incidentId } : {}),
        ...(outcome.linked ? { linked: true } : {}),
      };
    });
    for (const r of results) this.stats[r.status] += 1;
    return results;
  }

  private enqueue(writes: IngestWrite[], now: Date): Promise<IngestCommit> {
    return new Promise((resolve, reject) => {
      this.queue.push({ writes, now, resolve, reject });
      if (!this.scheduled) {
        this.scheduled = true;
        setImmediate(() => void this.commitQueued());
      }
    });
  }

  /** Group commit: every batch queued since the last commit goes into one transaction. */
  private async commitQueued(): Promise<void> {
    const batches = this.queue;
    this.queue = [];
    this.scheduled = false;
    try {
      const all = batches.flatMap((b) => b.writes);
      // Batches sharing a commit arrived within a few milliseconds: the newest clock reading stands for all.
      const receivedAt = new Date(Math.max(...batches.map((b) => b.now.getTime()))).toISOString();
      const commit = await this.store.ingest(all, this.decideReading, receivedAt);
      this.stats.commits += 1;
      this.hub.publish(commit.changes);
      for (const state of commit.sensorStates) this.hub.sensor(state);
      for (const listener of this.listeners) listener.onCommitted(commit);
      let offset = 0;
      for (const batch of batches) {
        const n = batch.writes.length;
        batch.resolve({
          outcomes: commit.outcomes.slice(offset, offset + n),
          changes: [],
          sensorStates: [],
        });
        offset += n;
      }
    } catch (error) {
      for (const batch of batches) batch.reject(error);
    }
  }

  /** Which category a sensor metric's alarms belong to (未诉先办 opens an incident of it). */
  private categoryForMetric(metric: string): string | undefined {
    for (const c of this.city.categories.values()) if (c.sensorMetrics.includes(metric)) return c.code;
    return undefined;
  }

  /** Runs inside the store's transaction: the sensor's new level, and an alarm when it crosses. */
  private readonly decideReading: ReadingDecider = (sensorId, value, at, previous, activeAlarm) => {
    const sensor = this.sensors.get(sensorId)!;
    const last = previous?.value !== null && previous?.value !== undefined && previous.at ? { value: previous.value, at: previous.at } : null;
    const rule = evaluate(sensor.rule, previous ? { level: previous.level, pending: previous.pending ?? null, last } : INITIAL_RULE_STATE, value, at);
    const state: SensorState = { id: sensorId, value, at, online: true, level: rule.level, pending: rule.pending };
    if (rule.level === 'alarm' && !activeAlarm) {
      const alarm: Alarm = {
        id: randomUUID(),
        sensorId,
        metric: sensor.metric,
        level: 'alarm',
        status: 'raised',
        value,
        districtId: sensor.districtId,
        raisedAt: at,
        clearedAt: null,
        incidentId: null,
      };
      const category = this.categoryForMetric(sensor.metric);
      if (!category) return { state, alarm };
      const text = `传感器 ${sensor.id} ${sensor.metric} = ${value} ${sensor.unit}（告警阈值 ${sensor.rule.alarm}）/ Sensor ${sensor.id} ${sensor.metric} = ${value} ${sensor.unit} (alarm ${sensor.rule.alarm})`;
      const opened = this.stampNew(openIncident({
        id: randomUUID(),
        codePrefix: `GD-${localDateCode(at, this.timeZone)}`,
        source: 'sensor',
        text,
        category,
        severity: this.severityOf(category),
        location: sensor.location,
        address: null,
        placement: { gridId: sensor.gridId, districtId: sensor.districtId, streetId: this.city.gridIndex.locate(sensor.location)?.streetId ?? '' },
        now: at,
      }));
      return { state, alarm, openIncident: opened };
    }
    if (rule.level !== 'alarm' && activeAlarm) return { state, alarm: { ...activeAlarm, status: 'cleared', clearedAt: at, value } };
    return { state };
  };

  private prepare(raw: unknown, now: Date): Prepared {
    const sourceEventId = idOf(raw);
    const reject = (code: NonNullable<IngestItemResult['error']>['code'], path: string, message: string): Prepared => ({
      ok: false,
      result: { sourceEventId, status: 'rejected', error: { code, message, details: [{ path, message }] } },
    });
    const parsed = IngestEventSchema.safeParse(raw);
    if (!parsed.success) {
      const details = fieldIssues(parsed.error);
      return {
        ok: false,
        result: {
          sourceEventId,
          status: 'rejected',
          error: { code: 'validation_failed', message: details.map((d) => `${d.path}: ${d.message}`).join('; '), details },
        },
      };
    }
    const event = parsed.data;
    if (Date.parse(event.occurredAt) > now.getTime() + MAX_CLOCK_SKEW_MS) {
      return reject('validation_failed', 'occurredAt', 'occurredAt is in the future');
    }
    const nowIso = now.toISOString();
    switch (event.source) {
      case 'sensor': {
        const sensor = this.sensors.get(event.payload.sensorId);
        if (!sensor) return reject('unknown_sensor', 'payload.sensorId', `no registered sensor ${event.payload.sensorId}`);
        if (sensor.metric !== event.payload.metric) {
          return reject('validation_failed', 'payload.metric', `sensor ${sensor.id} reports ${sensor.metric}`);
        }
        const at = new Date(event.occurredAt).toISOString();
        return {
          ok: true,
          write: { kind: 'reading', source: 'sensor', sourceEventId: event.sourceEventId, sensorId: sensor.id, metric: sensor.metric, value: event.payload.value, at },
        };
      }
      case 'hotline': {
        const p = event.payload;
        let location: LonLat | null = p.location ?? null;
        if (!location && p.address) location = this.geocode(p.address);
        if (location && !this.inCity(location)) return reject('out_of_area', 'payload.location', 'location is outside the city');
        const category = p.categoryHint && this.city.categories.has(p.categoryHint) ? p.categoryHint : null;
        const incident = this.newIncident(event, p.text, category, this.severityOf(category), location, p.address ?? null, nowIso);
        const radius = (category && this.city.categories.get(category)?.duplicateRadiusM) || DEFAULT_DUPLICATE_RADIUS_M;
        const repeat = this.repeats.bestMatch(incident, radius, this.autoLinkScore);
        return {
          ok: true,
          write: {
            kind: 'incident',
            source: 'hotline',
            sourceEventId: event.sourceEventId,
            occurredAt: event.occurredAt,
            // The caller's name and phone are stored apart from the event and the incident.
            payload: { ...p, caller: undefined },
            caller: p.caller,
            incident,
            ...(repeat ? { linkTo: repeat.incidentId } : {}),
          },
        };
      }
      default: {
        const p = event.payload;
        if (!this.city.categories.has(p.category)) return reject('validation_failed', 'payload.category', `unknown category ${p.category}`);
        if (!this.inCity(p.location)) return reject('out_of_area', 'payload.location', 'location is outside the city');
        return {
          ok: true,
          write: {
            kind: 'incident',
            source: event.source,
            sourceEventId: event.sourceEventId,
            occurredAt: event.occurredAt,
            payload: p,
            incident: this.newIncident(event, p.text, p.category, p.severity ?? this.severityOf(p.category), p.location, null, nowIso),
          },
        };
      }
    }
  }

  private newIncident(event: IngestEvent, text: string, category: string | null, severity: Severity, location: LonLat | null, address: string | null, now: string) {
    return this.stampNew(openIncident({
      id: randomUUID(),
      codePrefix: `GD-${localDateCode(now, this.timeZone)}`,
      source: event.source,
      text,
      category,
      severity,
      location,
      address,
      placement: location ? this.city.gridIndex.locate(location) : null,
      now,
    }));
  }

  private severityOf(category: string | null): Severity {
    return (category && this.city.categories.get(category)?.defaultSeverity) || 'medium';
  }

  private inCity([lon, lat]: LonLat): boolean {
    const [minX, minY, maxX, maxY] = this.city.gridIndex.bounds;
    const m = BOUNDS_MARGIN_DEG;
    return lon >= minX - m && lon <= maxX + m && lat >= minY - m && lat <= maxY + m;
  }

  private geocode(address: string): LonLat | null {
    const wanted = address.trim().toLowerCase();
    return this.city.addresses.find((a) => a.name.toLowerCase() === wanted)?.location ?? null;
  }
}

function idOf(raw: unknown): string | null {
  if (raw && typeof raw === 'object' && 'sourceEventId' in raw) {
    const id = (raw as { sourceEventId: unknown }).sourceEventId;
    if (typeof id === 'string') return id;
  }
  return null;
}
