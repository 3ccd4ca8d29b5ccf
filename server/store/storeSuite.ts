// The Store contract as one suite, run against every implementation (store.test.ts): SQLite
// always, PostgreSQL when it is reachable. A method missing from one store, or answering
// differently, fails here. Add a `describe` block beside your new Store method.

import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { decide, type IncidentCommand } from '../../shared/domain/incidentMachine.ts';
import type { DeadlineProfile } from '../../shared/domain/deadlines.ts';
import type { Actor, Alarm, Category, DeadlineRequest, DeadlineState, Incident, Sensor, SensorState, Task, TimelineEntry, Unit } from '../../shared/domain/types.ts';
import type { Change } from '../../shared/protocol/changes.ts';
import { evaluate, evaluateBy, isOverdue } from '../../shared/domain/evaluation.ts';
import type { IncidentUpdate, IngestWrite, ReadingDecider, Store, UserRecord } from './Store.ts';

export interface StoreHandle {
  store: Store;
  /** Close the store and remove what it stored. */
  dispose(): Promise<void>;
  /** Run SQL on the database directly, as someone holding the file or a database login would. */
  exec(sql: string): Promise<void>;
  /** Run SQL with the audit log's append-only guards switched off (a forger with full access), then put them back. */
  tamper(sql: string): Promise<void>;
}

const T0 = '2026-11-30T08:00:00.000Z';
const at = (minutes: number) => new Date(Date.parse(T0) + minutes * 60_000).toISOString();
const DISPATCHER: Actor = { id: 'u-disp', role: 'dispatcher' };

let ids = 0;
export function draftIncident(overrides: Partial<Incident> = {}): Incident {
  ids += 1;
  return {
    id: `inc-${String(ids).padStart(5, '0')}-${Math.random().toString(36).slice(2, 8)}`,
    code: 'C20261130',
    title: `Pothole ${ids}`,
    text: `Road surface broken near gate ${ids}`,
    category: 'municipal.road.pothole',
    severity: 'medium',
    location: [-87.63, 41.88],
    address: null,
    districtId: 'd1',
    streetId: null,
    gridId: null,
    status: 'new',
    source: 'patrol',
    repeatCount: 0,
    parentId: null,
    escalationLevel: 0,
    version: 1,
    createdAt: T0,
    updatedAt: T0,
    stageAt: { new: T0 },
    unitId: null,
    satisfaction: null,
    ...overrides,
  };
}

function incidentWrite(incident: Incident, sourceEventId = `ev-${incident.id}`, extra: Partial<Extract<IngestWrite, { kind: 'incident' }>> = {}): IngestWrite {
  return { kind: 'incident', source: 'patrol', sourceEventId, occurredAt: incident.createdAt, payload: { text: incident.text }, incident, ...extra };
}

function readingWrite(sensorId: string, value: number, when: string, sourceEventId = `r-${sensorId}-${when}-${value}`): IngestWrite {
  return { kind: 'reading', source: 'sensor', sourceEventId, sensorId, metric: 'water_level', value, at: when };
}

const UNITS: Unit[] = [
  { id: 'unit-b', callsign: 'B', name: { zh: '乙', en: 'B' }, type: 'road', skills: ['municipal'], homeDistrictId: 'd1', status: 'available', position: [-87.6, 41.9], positionAt: null },
  { id: 'unit-a', callsign: 'A', name: { zh: '甲', en: 'A' }, type: 'road', skills: ['municipal'], homeDistrictId: 'd2', status: 'busy', position: [-87.7, 41.8], positionAt: null },
];

const RULE = { direction: 'above' as const, warn: 2, alarm: 3, clear: 1, dwellSec: 0 };
const SENSORS: Sensor[] = [
  { id: 's-2', kind: 'gauge', metric: 'water_level', unit: 'm', location: [-87.6, 41.9], districtId: 'd1', gridId: 'g1', intervalSec: 60, rule: RULE },
  { id: 's-1', kind: 'gauge', metric: 'water_level', unit: 'm', location: [-87.7, 41.8], districtId: 'd2', gridId: 'g2', intervalSec: 60, rule: RULE },
];

const CATEGORIES: Category[] = [
  { code: 'municipal.road.pothole', name: { zh: '坑洼', en: 'Pothole' } } as unknown as Category,
  { code: 'municipal.drainage', name: { zh: '排水', en: 'Drainage' } } as unknown as Category,
];

/** A small decider: level from thresholds, raises an alarm (opening an incident) at 3, clears under 1. */
const decideReading: ReadingDecider = (sensorId, value, when, previous, activeAlarm) => {
  const level: SensorState['level'] = value >= 3 ? 'alarm' : value >= 2 ? 'warn' : 'normal';
  const state: SensorState = { id: sensorId, value, at: when, online: true, level, pending: null };
  if (level === 'alarm' && !activeAlarm) {
    const alarm: Alarm = {
      id: `alarm-${sensorId}-${when}`,
      sensorId,
      metric: 'water_level',
      level: 'alarm',
      status: 'raised',
      value,
      districtId: 'd1',
      raisedAt: when,
      clearedAt: null,
      incidentId: null,
    };
    return { state, alarm, openIncident: draftIncident({ source: 'sensor', createdAt: when, updatedAt: when, category: 'municipal.drainage', severity: 'high' }) };
  }
  if (value < 1 && activeAlarm) return { state, alarm: { ...activeAlarm, status: 'cleared', clearedAt: when } };
  void previous;
  return { state };
};

const byId = <T extends { id: string }>(items: T[]) => [...items].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
const normalState = (s: SensorState) => ({ ...s, pending: s.pending ?? null });

/** Apply a command through the shared state machine, as IncidentService does. */
function command(store: Store, id: string, cmd: (incident: Incident) => IncidentCommand, now: string, extra: { tasks?: Task[]; units?: Unit[] } = {}) {
  return store.updateIncident(id, (incident) => ({ decision: decide(incident, cmd(incident), DISPATCHER, now), ...extra }), now);
}

export function storeSuite(name: string, open: () => Promise<StoreHandle>): void {
  describe(`Store contract: ${name}`, () => {
    let handle: StoreHandle;
    let store: Store;

    beforeEach(async () => {
      handle = await open();
      store = handle.store;
    });
    afterEach(async () => {
      await handle.dispose();
    });

    it('is ready, and starts with an empty change log', async () => {
      expect(await store.isReady()).toBe(true);
      expect(await store.headSeq()).toBe(0);
      expect(await store.changesAfter(0, 100)).toEqual([]);
    });

    describe('people, keys, idempotency and photos', () => {
      it('keeps users, sessions and API keys', async () => {
        expect(await store.countUsers()).toBe(0);
        const user = { id: 'u1', username: 'amy', passwordHash: 'h', role: 'dispatcher' as const, displayName: 'Amy', districtId: 'd1', unitId: null, disabled: false, kiosk: false };
        await store.createUser(user, T0);
        await expect(store.createUser({ ...user, id: 'u2' }, T0)).rejects.toThrow();
        expect(await store.countUsers()).toBe(1);
        expect(await store.findUserByUsername('amy')).toEqual(user);
        expect(await store.getUser('u1')).toEqual(user);
        expect(await store.getUser('nobody')).toBeUndefined();

        const session = { id: 'sess-1', tokenHash: 'tok', userId: 'u1', createdAt: T0, expiresAt: at(60), lastSeenAt: null };
        await store.createSession(session);
        expect(await store.getSession('tok')).toEqual(session);
        await store.deleteSession('tok');
        expect(await store.getSession('tok')).toBeUndefined();

        await store.createApiKey('k1', 'gateway', 'keyhash', T0);
        expect(await store.findApiKey('keyhash')).toEqual({ id: 'k1', name: 'gateway', scope: 'ingest', revoked: false });
        expect(await store.findApiKey('other')).toBeUndefined();
      });

      it('keeps the first response to an idempotency key', async () => {
        expect(await store.findIdempotent('u1', 'k')).toBeUndefined();
        await store.saveIdempotent('u1', 'k', 200, { ok: 1 }, T0);
        await store.saveIdempotent('u1', 'k', 500, { ok: 2 }, T0);
        expect(await store.findIdempotent('u1', 'k')).toEqual({ status: 200, body: { ok: 1 } });
        expect(await store.findIdempotent('u2', 'k')).toBeUndefined();
      });

      it('keeps photo records', async () => {
        const photo = { id: 'p1', userId: 'u1', incidentId: null, contentType: 'image/jpeg', bytes: 1234, createdAt: T0 };
        await store.createPhoto(photo);
        expect(await store.getPhoto('p1')).toEqual(photo);
        expect(await store.getPhoto('p2')).toBeUndefined();
      });
    });

    describe('reference data', () => {
      it('upserts and lists units, sensors and categories in id order', async () => {
        await store.upsertUnits(UNITS);
        await store.upsertSensors(SENSORS);
        await store.upsertCategories(CATEGORIES);
        expect((await store.listUnits()).map((u) => u.id)).toEqual(['unit-a', 'unit-b']);
        await store.upsertUnits([{ ...UNITS[0]!, status: 'off_duty' }]);
        expect((await store.getUnit('unit-b'))?.status).toBe('off_duty');
        expect(await store.getUnit('unit-z')).toBeUndefined();
        const sensors = await store.listSensors();
        expect(sensors.map((s) => s.id)).toEqual(['s-1', 's-2']);
        expect(sensors[0]).toMatchObject({ value: null, at: null, online: false, level: 'normal' });
        expect((await store.listCategories()).map((c) => c.code)).toEqual(['municipal.drainage', 'municipal.road.pothole']);
      });

      it('moves units without logging a change, skipping unknown ones', async () => {
        await store.upsertUnits(UNITS);
        const moved = await store.setUnitPositions([
          { unitId: 'unit-a', position: [1, 2], at: at(1) },
          { unitId: 'ghost', position: [3, 4], at: at(1) },
        ]);
        expect(moved.map((u) => [u.id, u.position, u.positionAt])).toEqual([['unit-a', [1, 2], at(1)]]);
        expect((await store.getUnit('unit-a'))?.position).toEqual([1, 2]);
        expect(await store.headSeq()).toBe(0);
      });
    });

    describe('ingest of reports', () => {
      it('opens incidents with per-prefix codes, once per idempotency key, each with a logged change', async () => {
        const a = draftIncident();
        const b = draftIncident({ createdAt: at(1), updatedAt: at(1) });
        const commit = await store.ingest([incidentWrite(a), incidentWrite(b), incidentWrite(draftIncident(), `ev-${a.id}`)], decideReading);
        expect(commit.outcomes).toEqual([
          { status: 'accepted', incidentId: a.id },
          { status: 'accepted', incidentId: b.id },
          { status: 'duplicate', incidentId: a.id },
        ]);
        expect(commit.changes.map((c) => c.seq)).toEqual([1, 2]);
        expect(commit.changes.map((c) => c.type === 'incident' && c.incident.code)).toEqual(['C20261130-0001', 'C20261130-0002']);
        expect(await store.headSeq()).toBe(2);
        const again = await store.ingest([incidentWrite(a)], decideReading);
        expect(again.outcomes).toEqual([{ status: 'duplicate', incidentId: a.id }]);
        expect(again.changes).toEqual([]);

        expect((await store.getIncident(a.id))?.code).toBe('C20261130-0001');
        expect(await store.changesAfter(0, 2)).toEqual(commit.changes);
        expect(await store.changesAfter(1, 5)).toEqual([commit.changes[1]]);
        expect(typeof (await store.changeTime(1))).toBe('string');
        expect(await store.changeTime(99)).toBeUndefined();
        expect((await store.timeline(a.id)).map((e) => e.action)).toEqual(['create']);
        expect((await store.audit('incident', a.id)).map((e) => [e.action, e.actorId])).toEqual([['create', 'source:patrol']]);
        const events = await store.linkedEvents(a.id);
        expect(events.map((e) => [e.source, e.sourceEventId, e.payload])).toEqual([['patrol', `ev-${a.id}`, { text: a.text }]]);
      });

      it('links a repeated call to the open incident and keeps the caller apart', async () => {
        const parent = draftIncident();
        await store.ingest([incidentWrite(parent)], decideReading);
        const call: IngestWrite = {
          kind: 'incident',
          source: 'hotline',
          sourceEventId: 'call-1',
          occurredAt: at(2),
          payload: { text: 'again' },
          caller: { name: '王五', phone: '13800001234' },
          incident: draftIncident(),
          linkTo: parent.id,
        };
        const commit = await store.ingest([call], decideReading);
        expect(commit.outcomes).toEqual([{ status: 'accepted', incidentId: parent.id, linked: true }]);
        const linked = await store.getIncident(parent.id);
        expect(linked).toMatchObject({ repeatCount: 1, version: 2 });
        expect(commit.changes).toEqual([{ seq: 2, type: 'incident', incident: linked }]);
        expect((await store.timeline(parent.id)).map((e) => e.action)).toEqual(['create', 'repeat']);
        expect((await store.callersOf(parent.id)).map((c) => [c.name, c.phone])).toEqual([['王五', '13800001234']]);
        expect((await store.linkedEvents(parent.id)).map((e) => e.sourceEventId)).toEqual([`ev-${parent.id}`, 'call-1']);
      });

      it('lists incidents newest first with filters and a cursor, and finds text regardless of ASCII case', async () => {
        const made: Incident[] = [];
        for (let k = 0; k < 5; k += 1) {
          made.push(draftIncident({ createdAt: at(k), updatedAt: at(k), districtId: k % 2 ? 'd2' : 'd1', severity: k === 4 ? 'critical' : 'low', title: k === 3 ? 'Flooded Underpass' : 'x' }));
        }
        await store.ingest(made.map((i) => incidentWrite(i)), decideReading);
        const first = await store.listIncidents({ limit: 2 });
        expect(first.items.map((i) => i.id)).toEqual([made[4]!.id, made[3]!.id]);
        const second = await store.listIncidents({ limit: 2, cursor: first.nextCursor! });
        expect(second.items.map((i) => i.id)).toEqual([made[2]!.id, made[1]!.id]);
        const third = await store.listIncidents({ limit: 2, cursor: second.nextCursor! });
        expect(third.items.map((i) => i.id)).toEqual([made[0]!.id]);
        expect(third.nextCursor).toBeNull();
        expect((await store.listIncidents({ limit: 10, districtId: 'd2' })).items.map((i) => i.id)).toEqual([made[3]!.id, made[1]!.id]);
        expect((await store.listIncidents({ limit: 10, severity: 'critical' })).items.map((i) => i.id)).toEqual([made[4]!.id]);
        expect((await store.listIncidents({ limit: 10, category: 'municipal.road' })).items).toHaveLength(5);
        expect((await store.listIncidents({ limit: 10, category: 'municipal.ro' })).items).toHaveLength(0);
        expect((await store.listIncidents({ limit: 10, q: 'flooded underPASS' })).items.map((i) => i.id)).toEqual([made[3]!.id]);
        expect((await store.listIncidents({ limit: 10, q: '100%' })).items).toHaveLength(0);
        expect((await store.listIncidents({ limit: 10, statuses: ['closed'] })).items).toHaveLength(0);
        expect(await store.openIncidentsSince(at(3))).toHaveLength(2);
      });
    });

    describe('ingest of readings', () => {
      beforeEach(async () => {
        await store.upsertSensors(SENSORS);
      });

      it('stores each reading once, decides on the previous state, and rolls readings up by minute and hour', async () => {
        const seen: (number | null)[] = [];
        const spy: ReadingDecider = (...args) => {
          seen.push(args[3]?.value ?? null);
          return decideReading(...args);
        };
        const first = await store.ingest(
          [readingWrite('s-1', 1.5, at(0)), readingWrite('s-1', 1.7, at(0.5)), readingWrite('s-1', 1.5, at(0)), readingWrite('s-2', 0.5, at(61))],
          spy,
        );
        expect(first.outcomes.map((o) => o.status)).toEqual(['accepted', 'accepted', 'duplicate', 'accepted']);
        expect(seen).toEqual([null, 1.5, null]);
        expect(byId(first.sensorStates).map(normalState)).toEqual([
          { id: 's-1', value: 1.7, at: at(0.5), online: true, level: 'normal', pending: null },
          { id: 's-2', value: 0.5, at: at(61), online: true, level: 'normal', pending: null },
        ]);
        await store.ingest([readingWrite('s-1', 2.1, at(1.2))], spy);
        expect(seen[3]).toBe(1.7);
        expect(first.changes).toEqual([]);

        expect(await store.readingSeries('s-1', at(0), at(2), 'minute')).toEqual([
          { at: at(0), n: 2, avg: 1.6, min: 1.5, max: 1.7 },
          { at: at(1), n: 1, avg: 2.1, min: 2.1, max: 2.1 },
        ]);
        expect(await store.readingSeries('s-1', at(0), at(60), 'hour')).toEqual([{ at: at(0), n: 3, avg: 1.767, min: 1.5, max: 2.1 }]);
        expect(await store.readingSeries('s-1', at(5), at(60), 'minute')).toEqual([]);

        const sensors = await store.listSensors();
        expect(sensors.find((s) => s.id === 's-1')).toMatchObject({ value: 2.1, at: at(1.2), online: true, level: 'warn' });
        expect(byId(await store.sensorStatesSince(at(1))).map((s) => s.id)).toEqual(['s-1', 's-2']);
        expect((await store.sensorStatesSince(at(60))).map((s) => s.id)).toEqual(['s-2']);
      });

      it('marks silent sensors offline once, and says which changed', async () => {
        await store.ingest([readingWrite('s-1', 1, at(0)), readingWrite('s-2', 1, at(10))], decideReading);
        expect((await store.silentSince(at(5))).map((s) => s.id)).toEqual(['s-1']);
        const changed = await store.markOffline(['s-1', 'missing']);
        expect(changed.map(normalState)).toEqual([{ id: 's-1', value: 1, at: at(0), online: false, level: 'normal', pending: null }]);
        expect(await store.markOffline(['s-1'])).toEqual([]);
        expect(await store.silentSince(at(5))).toEqual([]);
        expect((await store.listSensors()).find((s) => s.id === 's-1')?.online).toBe(false);
      });

      it('raises an alarm that opens an incident, acknowledges it once, and notes the clearing on the case', async () => {
        const raised = await store.ingest([readingWrite('s-1', 3.5, at(0))], decideReading);
        expect(raised.changes.map((c) => c.type)).toEqual(['incident', 'alarm']);
        const alarmChange = raised.changes[1] as Extract<Change, { type: 'alarm' }>;
        const incidentId = alarmChange.alarm.incidentId!;
        expect(incidentId).toBe((raised.changes[0] as Extract<Change, { type: 'incident' }>).incident.id);
        expect((await store.snapshot(at(-60), 100)).alarms.map((a) => a.id)).toEqual([alarmChange.alarm.id]);

        const ack = await store.acknowledgeAlarm(alarmChange.alarm.id, 'u-disp', at(1));
        expect(ack?.refused).toBeUndefined();
        expect(ack?.alarm).toMatchObject({ status: 'acknowledged', acknowledgedBy: 'u-disp', acknowledgedAt: at(1) });
        expect(ack?.changes.map((c) => c.seq)).toEqual([3]);
        const twice = await store.acknowledgeAlarm(alarmChange.alarm.id, 'u-disp', at(2));
        expect(twice).toMatchObject({ changes: [], refused: 'the alarm is acknowledged' });
        expect(await store.acknowledgeAlarm('nope', 'u-disp', at(2))).toBeUndefined();
        expect((await store.audit('alarm', alarmChange.alarm.id)).map((e) => e.action)).toEqual(['acknowledge']);

        // Still above: no second alarm. Then it clears: the case says so and stays open.
        expect((await store.ingest([readingWrite('s-1', 3.8, at(2))], decideReading)).changes).toEqual([]);
        const cleared = await store.ingest([readingWrite('s-1', 0.2, at(3))], decideReading);
        expect(cleared.changes.map((c) => c.type)).toEqual(['incident', 'alarm']);
        expect((await store.getIncident(incidentId))?.status).toBe('new');
        expect((await store.timeline(incidentId)).map((e) => e.action)).toEqual(['create', 'alarm_cleared']);
        // A snapshot still carries the cleared alarm while it is recent (a screen's alarms per hour
        // must survive a reload), and no longer once it was raised before `recentSince`.
        expect((await store.snapshot(at(-60), 100)).alarms.map((a) => [a.id, a.status])).toEqual([[alarmChange.alarm.id, 'cleared']]);
        expect((await store.snapshot(at(1), 100)).alarms).toEqual([]);
      });
    });

    describe('commands on incidents', () => {
      it('applies a decision with its task and unit atomically, and refuses a stale version without writing', async () => {
        await store.upsertUnits(UNITS);
        const incident = draftIncident();
        await store.ingest([incidentWrite(incident)], decideReading);
        const triaged = await command(store, incident.id, (i) => ({ action: 'triage', version: i.version, category: 'municipal.drainage', severity: 'high' }), at(1));
        expect(triaged?.decision.ok).toBe(true);
        expect(triaged?.changes.map((c) => [c.seq, c.type])).toEqual([[2, 'incident']]);

        const task: Task = { id: 't1', incidentId: incident.id, unitId: 'unit-a', districtId: 'd1', status: 'assigned', note: null, version: 1, createdAt: at(2), updatedAt: at(2) };
        const busy: Unit = { ...UNITS[1]!, status: 'busy' };
        const dispatched = await command(store, incident.id, (i) => ({ action: 'dispatch', version: i.version, unitId: 'unit-a' }), at(2), { tasks: [task], units: [busy] });
        expect(dispatched?.changes.map((c) => [c.seq, c.type])).toEqual([[3, 'incident'], [4, 'task'], [5, 'unit']]);
        expect(await store.tasksOf(incident.id)).toEqual([task]);
        expect(await store.getTask('t1')).toEqual(task);
        expect(await store.tasksForUnit('unit-a')).toEqual([task]);
        expect(await store.openTaskCounts()).toEqual(new Map([['unit-a', 1]]));
        expect((await store.getIncident(incident.id))?.status).toBe('dispatched');

        const stale = await store.updateIncident(incident.id, (i) => ({ decision: decide(i, { action: 'triage', version: 1, category: 'x', severity: 'low' }, DISPATCHER, at(3)) }), at(3));
        expect(stale?.decision.ok).toBe(false);
        expect(stale?.changes).toEqual([]);
        expect(await store.headSeq()).toBe(5);
        expect(await store.updateIncident('missing', () => { throw new Error('not called'); }, at(3))).toBeUndefined();
        expect((await store.audit('incident', incident.id)).map((e) => e.action)).toEqual(['create', 'triage', 'dispatch']);
      });

      it('merges into a related incident read in the same transaction, and rolls back entirely on failure', async () => {
        const into = draftIncident();
        const dup = draftIncident({ createdAt: at(1), updatedAt: at(1) });
        await store.ingest([incidentWrite(into), incidentWrite(dup)], decideReading);
        const merged = await store.updateIncident(
          dup.id,
          (incident, _tasks, related) => {
            const decision = decide(incident, { action: 'merge', version: incident.version, intoId: into.id }, DISPATCHER, at(2));
            const parent = related[0]!;
            const grown = { ...parent, repeatCount: parent.repeatCount + 1, version: parent.version + 1, updatedAt: at(2) };
            return { decision, related: [{ incident: grown, entry: { at: at(2), action: 'absorb', actorId: DISPATCHER.id, from: parent.status, to: parent.status } }] };
          },
          at(2),
          [into.id],
        );
        expect(merged?.changes.map((c) => c.seq)).toEqual([3, 4]);
        expect((await store.getIncident(dup.id))?.status).toBe('merged');
        expect((await store.getIncident(into.id))?.repeatCount).toBe(1);

        // A photo that does not exist cannot be attached: nothing of the command is kept.
        const before = await store.getIncident(into.id);
        await expect(
          store.updateIncident(into.id, (i) => ({ decision: decide(i, { action: 'escalate', version: i.version, reason: 'slow' }, DISPATCHER, at(3)), attachPhotoId: 'nope' }), at(3)),
        ).rejects.toThrow();
        expect(await store.getIncident(into.id)).toEqual(before);
        expect(await store.headSeq()).toBe(4);

        await store.createPhoto({ id: 'p1', userId: 'u', incidentId: null, contentType: 'image/png', bytes: 1, createdAt: at(3) });
        const attached = await store.updateIncident(
          into.id,
          (i) => ({ decision: decide(i, { action: 'escalate', version: i.version, reason: 'slow' }, DISPATCHER, at(3)), attachPhotoId: 'p1' }),
          at(3),
        );
        expect(attached?.decision.ok).toBe(true);
        expect((await store.getPhoto('p1'))?.incidentId).toBe(into.id);
      });
    });

    describe('bulk load', () => {
      it('keeps what the load wrote and returns its result; a failing load reports its error', async () => {
        const made = [draftIncident(), draftIncident()];
        const result = await store.bulkLoad(async () => {
          for (const incident of made) await store.ingest([incidentWrite(incident)], decideReading, at(0));
          return 'loaded';
        });
        expect(result).toBe('loaded');
        expect(await store.headSeq()).toBe(2);
        expect((await Promise.all(made.map((i) => store.getIncident(i.id)))).map((i) => i?.id)).toEqual(made.map((i) => i.id));
        await expect(store.bulkLoad(async () => Promise.reject(new Error('bad fixture')))).rejects.toThrow('bad fixture');
      });
    });

    describe('the change log', () => {
      it('appends bodies in order and serves them back by range', async () => {
        const changes = await store.appendChanges(
          [
            { type: 'notice', notice: { level: 'info', code: 'a' }, at: at(0) },
            { type: 'notice', notice: { level: 'warning', code: 'b' }, at: at(0) },
          ],
          at(0),
        );
        expect(changes.map((c) => c.seq)).toEqual([1, 2]);
        expect(await store.changesAfter(0, 2)).toEqual(changes);
        expect(await store.changeTime(2)).toBe(at(0));
      });

      it('numbers concurrent commits without a gap or a repeat', async () => {
        const writes = Array.from({ length: 30 }, (_, k) => draftIncident({ createdAt: at(k), updatedAt: at(k) }));
        const commits = await Promise.all(writes.map((w) => store.ingest([incidentWrite(w)], decideReading)));
        const seqs = commits.flatMap((c) => c.changes.map((x) => x.seq)).sort((a, b) => a - b);
        expect(seqs).toEqual(Array.from({ length: 30 }, (_, k) => k + 1));
        const codes = new Set(commits.flatMap((c) => c.changes.map((x) => (x.type === 'incident' ? x.incident.code : ''))));
        expect(codes.size).toBe(30);
        expect((await store.changesAfter(0, 30)).map((c) => c.seq)).toEqual(seqs);
      });
    });

    describe('snapshot and vital signs', () => {
      it('returns the state with the seq it was read at', async () => {
        await store.upsertUnits(UNITS);
        await store.upsertSensors(SENSORS);
        const open = draftIncident();
        await store.ingest([incidentWrite(open), readingWrite('s-2', 1, at(0))], decideReading);
        const snap = await store.snapshot(at(-60), 100);
        expect(snap.seq).toBe(1);
        expect(snap.incidents.map((i) => i.id)).toEqual([open.id]);
        expect(snap.tasks).toEqual([]);
        expect(snap.units.map((u) => u.id)).toEqual(['unit-a', 'unit-b']);
        expect(byId(snap.sensors).map((s) => [s.id, s.value, s.online])).toEqual([
          ['s-1', null, false],
          ['s-2', 1, true],
        ]);
      });

      it('counts the inputs of the vital signs', async () => {
        await store.upsertUnits(UNITS);
        await store.upsertSensors(SENSORS);
        const a = draftIncident({ createdAt: at(0), updatedAt: at(0) });
        const call: IngestWrite = { ...incidentWrite(draftIncident({ createdAt: at(1), updatedAt: at(1) }), 'call-9'), source: 'hotline' } as IngestWrite;
        await store.ingest([incidentWrite(a), call, readingWrite('s-1', 1, at(5)), readingWrite('s-2', 3.2, at(-30))], decideReading);
        await command(store, a.id, (i) => ({ action: 'triage', version: i.version, category: 'municipal.drainage', severity: 'high' }), at(3));
        await command(store, a.id, (i) => ({ action: 'dispatch', version: i.version, unitId: 'unit-a' }), at(6));
        const inputs = await store.metricsInputs(at(-1), at(0));
        // The alarm (at -30) opened one more incident, created before the day's start.
        expect(inputs).toMatchObject({
          openIncidents: 3,
          newToday: 2,
          callsToday: 1,
          activeAlarms: 1,
          sensorsTotal: 2,
          sensorsOnline: 1,
          unitsAvailable: 1,
          unitsBusy: 1,
          arriveMinutes: [],
        });
        expect(inputs.dispatchMinutes.map((m) => Math.round(m * 1000) / 1000)).toEqual([6]);
        expect([...inputs.createdPerMinute].sort((x, y) => (x.minute < y.minute ? -1 : 1))).toEqual([
          { minute: at(0), count: 1 },
          { minute: at(1), count: 1 },
        ]);
      });
    });

    it("counts yesterday's figures up to the same time of day, and its whole day per minute", async () => {
      await store.upsertUnits(UNITS);
      const early = draftIncident({ createdAt: at(10), updatedAt: at(10) });
      const late = draftIncident({ createdAt: at(30), updatedAt: at(30) });
      const call: IngestWrite = { ...incidentWrite(early, 'call-y'), source: 'hotline' } as IngestWrite;
      await store.ingest([call], decideReading, at(10));
      await store.ingest([incidentWrite(late)], decideReading, at(30));
      for (const [incident, t] of [[early, 15], [late, 35]] as const) {
        await command(store, incident.id, (i) => ({ action: 'triage', version: i.version, category: 'municipal.drainage', severity: 'high' }), at(t - 1));
        await command(store, incident.id, (i) => ({ action: 'dispatch', version: i.version, unitId: 'unit-a' }), at(t));
      }
      const inputs = await store.yesterdayInputs(at(0), at(20), at(60));
      expect(inputs).toMatchObject({ newToday: 1, callsToday: 1, arriveMinutes: [] });
      expect(inputs.dispatchMinutes.map((m) => Math.round(m * 1000) / 1000)).toEqual([5]);
      expect([...inputs.createdPerMinute].sort((x, y) => (x.minute < y.minute ? -1 : 1))).toEqual([
        { minute: at(10), count: 1 },
        { minute: at(30), count: 1 },
      ]);
    });

    describe('security: accounts, sessions and keys', () => {
      const user = (id: string, username: string, extra: Partial<UserRecord> = {}): UserRecord => ({
        id,
        username,
        passwordHash: `hash-${id}`,
        role: 'officer',
        displayName: username,
        districtId: 'd1',
        unitId: null,
        disabled: false,
        kiosk: false,
        ...extra,
      });

      it('lists accounts by name and changes one with its audit entry in the same transaction', async () => {
        await store.createUser(user('u2', 'zed'), T0);
        await store.createUser(user('u1', 'amy', { role: 'dispatcher' }), T0);
        await store.createUser(user('u3', 'wall', { role: 'operator', kiosk: true }), T0);
        expect((await store.listUsers()).map((u) => [u.username, u.kiosk])).toEqual([
          ['amy', false],
          ['wall', true],
          ['zed', false],
        ]);
        const audit = { at: at(1), actorId: 'admin', action: 'user.update', entity: 'user', entityId: 'u2', before: { role: 'officer' }, after: { role: 'supervisor' } };
        const changed = await store.updateUser('u2', { role: 'supervisor', districtId: null, disabled: true, kiosk: true, displayName: 'Zed Z' }, audit);
        expect(changed).toEqual(user('u2', 'zed', { role: 'supervisor', districtId: null, disabled: true, kiosk: true, displayName: 'Zed Z' }));
        expect(await store.getUser('u2')).toEqual(changed);
        expect((await store.audit('user', 'u2')).map((e) => [e.action, e.actorId, e.after, e.outcome])).toEqual([['user.update', 'admin', { role: 'supervisor' }, 'ok']]);
        // An empty patch reads the account back; an unknown account is undefined and audits nothing.
        expect(await store.updateUser('u1', {})).toEqual(user('u1', 'amy', { role: 'dispatcher' }));
        expect(await store.updateUser('ghost', { disabled: true }, { ...audit, entityId: 'ghost' })).toBeUndefined();
        expect(await store.audit('user', 'ghost')).toEqual([]);
        await store.updateUser('u2', { passwordHash: 'new-hash' });
        expect((await store.findUserByUsername('zed'))?.passwordHash).toBe('new-hash');
      });

      it('lists, touches and ends sessions by token, public id or user', async () => {
        await store.createUser(user('u1', 'amy'), T0);
        await store.createUser(user('u2', 'bob'), T0);
        const session = (id: string, userId: string, minute: number) => ({ id, tokenHash: `tok-${id}`, userId, createdAt: at(minute), expiresAt: at(600), lastSeenAt: null });
        for (const s of [session('s3', 'u2', 3), session('s1', 'u1', 1), session('s2', 'u1', 2), session('s4', 'u2', 4)]) await store.createSession(s);
        expect((await store.listSessions()).map((s) => s.id)).toEqual(['s1', 's2', 's3', 's4']);
        await store.touchSession('tok-s2', at(30));
        await store.touchSession('tok-none', at(30));
        expect(await store.getSession('tok-s2')).toEqual({ ...session('s2', 'u1', 2), lastSeenAt: at(30) });
        expect(await store.deleteSessions({})).toEqual([]);
        expect((await store.deleteSessions({ id: 's3' })).map((s) => s.tokenHash)).toEqual(['tok-s3']);
        expect(await store.deleteSessions({ id: 's3' })).toEqual([]);
        // Both conditions must hold: u2 does not own s1.
        expect(await store.deleteSessions({ id: 's1', userId: 'u2' })).toEqual([]);
        expect((await store.deleteSessions({ userId: 'u1' })).map((s) => [s.id, s.lastSeenAt])).toEqual([
          ['s1', null],
          ['s2', at(30)],
        ]);
        expect((await store.deleteSessions({ tokenHash: 'tok-s4' })).map((s) => s.id)).toEqual(['s4']);
        expect(await store.listSessions()).toEqual([]);
      });

      it('lists keys and revokes one once', async () => {
        await store.createApiKey('k2', 'radio', 'hash-2', at(2));
        await store.createApiKey('k1', 'gateway', 'hash-1', at(1));
        expect(await store.listApiKeys()).toEqual([
          { id: 'k1', name: 'gateway', scope: 'ingest', revoked: false, createdAt: at(1) },
          { id: 'k2', name: 'radio', scope: 'ingest', revoked: false, createdAt: at(2) },
        ]);
        expect(await store.revokeApiKey('k1', at(3))).toBe(true);
        expect(await store.revokeApiKey('k1', at(4))).toBe(false);
        expect(await store.revokeApiKey('nope', at(4))).toBe(false);
        expect(await store.findApiKey('hash-1')).toMatchObject({ id: 'k1', revoked: true });
        expect((await store.listApiKeys()).map((k) => [k.id, k.revoked])).toEqual([
          ['k1', true],
          ['k2', false],
        ]);
      });
    });

    describe('the audit log', () => {
      it('keeps entries in UTC with their outcome, refuses changes to them, and chains every row', async () => {
        expect(await store.verifyAuditChain()).toEqual({ ok: true, checked: 0, unchained: 0 });
        await store.appendAudit({ at: '2026-11-30T16:00:00+08:00', actorId: 'u1', action: 'login', entity: 'user', entityId: 'u1', outcome: 'failed', reason: 'bad password' });
        await store.appendAudit({ at: at(1), actorId: 'u1', action: 'login', entity: 'user', entityId: 'u1' });
        await store.ingest([incidentWrite(draftIncident())], decideReading, at(2));
        expect((await store.audit('user', 'u1')).map((e) => [e.at, e.outcome, e.reason])).toEqual([
          [T0, 'failed', 'bad password'],
          [at(1), 'ok', undefined],
        ]);
        expect(await store.verifyAuditChain()).toEqual({ ok: true, checked: 3, unchained: 0 });
        await expect(handle.exec("UPDATE audit SET reason = 'nothing happened'")).rejects.toThrow(/append-only/);
        await expect(handle.exec('DELETE FROM audit')).rejects.toThrow(/append-only/);
        expect(await store.verifyAuditChain()).toMatchObject({ ok: true, checked: 3 });
      });

      it('stays one chain under concurrent writers, and a rolled-back command leaves no link behind', async () => {
        const writes: Promise<unknown>[] = [];
        for (let k = 0; k < 12; k += 1) {
          writes.push(store.appendAudit({ at: at(k), actorId: `u${k}`, action: 'reveal', entity: 'incident', entityId: `i${k}` }));
          writes.push(store.ingest([incidentWrite(draftIncident({ createdAt: at(k), updatedAt: at(k) }))], decideReading, at(k)));
        }
        await Promise.all(writes);
        const incident = draftIncident();
        await store.ingest([incidentWrite(incident)], decideReading);
        await expect(
          store.updateIncident(incident.id, (i) => ({ decision: decide(i, { action: 'escalate', version: i.version, reason: 'slow' }, DISPATCHER, at(3)), attachPhotoId: 'nope' }), at(3)),
        ).rejects.toThrow();
        expect(await store.verifyAuditChain()).toEqual({ ok: true, checked: 25, unchained: 0 });
      });

      it('finds a row altered behind the store', async () => {
        for (let k = 0; k < 3; k += 1) await store.appendAudit({ at: at(k), actorId: 'u1', action: 'login', entity: 'user', entityId: 'u1' });
        await handle.tamper("UPDATE audit SET actor_id = 'someone-else' WHERE id = 2");
        expect(await store.verifyAuditChain()).toMatchObject({ ok: false, brokenAt: { id: 2, problem: expect.stringMatching(/altered/) } });
      });
    });

    describe("callers' retention", () => {
      it('scrubs the names and phones of calls received before the cut-off, keeping the events', async () => {
        const call = (id: string, incident: Incident): IngestWrite => ({
          ...(incidentWrite(incident, id) as Extract<IngestWrite, { kind: 'incident' }>),
          source: 'hotline',
          caller: { name: `caller ${id}`, phone: '13800001234' },
        });
        const old = draftIncident();
        const recent = draftIncident();
        await store.ingest([call('call-old', old)], decideReading, at(0));
        await store.ingest([call('call-new', recent)], decideReading, at(10));
        expect((await store.linkedEvents(old.id)).map((e) => e.receivedAt)).toEqual([at(0)]);
        expect(await store.scrubCallers(at(5))).toBe(1);
        expect(await store.scrubCallers(at(5))).toBe(0);
        expect(await store.callersOf(old.id)).toEqual([]);
        expect((await store.callersOf(recent.id)).map((c) => c.name)).toEqual(['caller call-new']);
        expect((await store.linkedEvents(old.id)).map((e) => e.sourceEventId)).toEqual(['call-old']);
      });
    });

    describe('the scheduler lease', () => {
      it('has one holder at a time, renewed by it, taken by another once it lapses or is released', async () => {
        expect(await store.acquireLease('scheduler', 'a', 60_000, at(0))).toBe(true);
        expect(await store.acquireLease('scheduler', 'b', 60_000, at(0.5))).toBe(false);
        expect(await store.acquireLease('other', 'b', 60_000, at(0.5))).toBe(true);
        expect(await store.acquireLease('scheduler', 'a', 60_000, at(0.9))).toBe(true);
        // Renewed at 0.9 min: b still waits at 1.5, takes it at 2.
        expect(await store.acquireLease('scheduler', 'b', 60_000, at(1.5))).toBe(false);
        expect(await store.acquireLease('scheduler', 'b', 60_000, at(2))).toBe(true);
        expect(await store.acquireLease('scheduler', 'a', 60_000, at(2.1))).toBe(false);
        await store.releaseLease('scheduler', 'a');
        expect(await store.acquireLease('scheduler', 'a', 60_000, at(2.2))).toBe(false);
        await store.releaseLease('scheduler', 'b');
        expect(await store.acquireLease('scheduler', 'a', 60_000, at(2.2))).toBe(true);
      });

      it('gives it to exactly one of many concurrent takers', async () => {
        const tries = await Promise.all(Array.from({ length: 10 }, (_, k) => store.acquireLease('scheduler', `h${k}`, 60_000, at(0))));
        expect(tries.filter(Boolean)).toHaveLength(1);
      });
    });

    describe('deadlines', () => {
      const deadline = (nextAt: string | null, extra: Partial<DeadlineState> = {}): DeadlineState => ({
        stage: 'dispatch',
        dueAt: at(10),
        used: 0,
        light: 'green',
        nextAt,
        fired: [],
        ...extra,
      });
      const request = (id: string, incident: Incident, minute: number, extra: Partial<DeadlineRequest> = {}): DeadlineRequest => ({
        id,
        incidentId: incident.id,
        incidentCode: incident.code,
        districtId: incident.districtId,
        kind: 'extension',
        reason: 'parts on order',
        minutes: 60,
        status: 'pending',
        requestedBy: 'u-officer',
        requestedAt: at(minute),
        decidedBy: null,
        decidedAt: null,
        note: null,
        ...extra,
      });
      /** A command that only changes what `change` says, with its timeline entry. */
      const edit = (change: (i: Incident) => Partial<Incident>, now: string, extra: Omit<IncidentUpdate, 'decision'> = {}) => (i: Incident): IncidentUpdate => ({
        decision: { ok: true, incident: { ...i, ...change(i), version: i.version + 1, updatedAt: now }, entry: { at: now, action: 'note', actorId: 'u-disp', from: i.status, to: i.status } },
        ...extra,
      });

      it('finds the cases due for a look, soonest first, and keeps the column with every write', async () => {
        const late = draftIncident({ deadline: deadline(at(8)) });
        const soon = draftIncident({ deadline: deadline(at(5)) });
        const later = draftIncident({ deadline: deadline(at(30)) });
        const none = draftIncident({ deadline: null });
        await store.ingest([late, soon, later, none].map((i) => incidentWrite(i)), decideReading);
        expect((await store.dueDeadlines(at(10), 10)).map((i) => i.id)).toEqual([soon.id, late.id]);
        expect((await store.dueDeadlines(at(10), 1)).map((i) => i.id)).toEqual([soon.id]);
        // A command moves the next look; closing the case takes it off the list.
        await store.updateIncident(soon.id, edit(() => ({ deadline: deadline(at(20)) }), at(1)), at(1));
        expect((await store.dueDeadlines(at(10), 10)).map((i) => i.id)).toEqual([late.id]);
        await store.updateIncident(late.id, edit(() => ({ status: 'closed' }), at(2)), at(2));
        expect(await store.dueDeadlines(at(60), 10).then((l) => l.map((i) => i.id))).toEqual([soon.id, later.id]);
      });

      it('recomputes deadlines in one transaction with one change per case that changed, and pages open cases', async () => {
        const made = [draftIncident(), draftIncident(), draftIncident({ status: 'closed' })];
        await store.ingest(made.map((i) => incidentWrite(i)), decideReading);
        const ids = made.map((i) => i.id).sort();
        const open = [...made].filter((i) => i.status !== 'closed').map((i) => i.id).sort();
        expect((await store.openIncidents('', 1)).map((i) => i.id)).toEqual([open[0]]);
        expect((await store.openIncidents(open[0]!, 10)).map((i) => i.id)).toEqual([open[1]]);
        const head = await store.headSeq();
        const changes = await store.refreshDeadlines([...ids, 'ghost'], (i) => (i.id === open[0] ? deadline(at(3), { light: 'yellow' }) : i.id === open[1] ? undefined : null), at(4));
        const byIncident = new Map(changes.map((c) => (c.type === 'incident' ? [c.incident.id, c.incident.deadline ?? null] : ['', null])));
        expect(byIncident).toEqual(new Map([[open[0], deadline(at(3), { light: 'yellow' })], [made[2]!.id, null]]));
        expect(changes.map((c) => c.seq).sort((a, b) => a - b)).toEqual([head + 1, head + 2]);
        // Derived data: no new version, no audit entry; the next look follows it.
        const refreshed = await store.getIncident(open[0]!);
        expect(refreshed).toMatchObject({ version: 1, deadline: { light: 'yellow', nextAt: at(3) } });
        expect((await store.dueDeadlines(at(5), 10)).map((i) => i.id)).toEqual([open[0]]);
        expect((await store.audit('incident', open[0]!)).map((e) => e.action)).toEqual(['create']);
        expect(await store.refreshDeadlines([], () => null, at(5))).toEqual([]);
      });

      it('counts open cases whose clock ran out and is not paused as overdue', async () => {
        const red = (extra: Partial<DeadlineState> = {}) => deadline(null, { light: 'red', used: 1.2, ...extra });
        await store.ingest(
          [
            draftIncident({ deadline: red() }),
            draftIncident({ deadline: red({ paused: true }) }),
            draftIncident({ deadline: red(), status: 'closed' }),
            draftIncident({ deadline: deadline(null, { light: 'yellow' }) }),
            draftIncident(),
          ].map((i) => incidentWrite(i)),
          decideReading,
        );
        expect((await store.metricsInputs(at(-60), at(-60))).overdue).toBe(1);
      });

      it('counts cases past their due time by district, category and unit, as the pure rule does', async () => {
        const due = (minutes: number, extra: Partial<DeadlineState> = {}) => deadline(null, { dueAt: at(minutes), ...extra });
        const made = [
          draftIncident({ deadline: due(-5) }),
          // Due this very instant: overdue, as isOverdue says.
          draftIncident({ deadline: due(0), status: 'dispatched', unitId: 'u-7' }),
          draftIncident({ deadline: due(-5), districtId: 'd2', category: 'municipal.light' }),
          // "_" is a LIKE wildcard: asking for this category must not find municipal.road.*.
          draftIncident({ deadline: due(-5), category: 'municipal_road' }),
          draftIncident({ deadline: due(-5, { paused: true }) }),
          draftIncident({ deadline: due(-5), status: 'resolved' }),
          draftIncident({ deadline: due(-5), status: 'closed' }),
          draftIncident({ deadline: due(5) }),
          draftIncident(),
        ];
        await store.ingest(made.map((i) => incidentWrite(i)), decideReading);
        const now = at(0);
        expect(await store.overdueCount({}, now)).toBe(made.filter((i) => isOverdue({ status: i.status, deadline: i.deadline ?? null }, now)).length);
        expect(await store.overdueCount({}, now)).toBe(4);
        expect(await store.overdueCount({ districtId: 'd2' }, now)).toBe(1);
        expect(await store.overdueCount({ category: 'municipal.road' }, now)).toBe(2);
        expect(await store.overdueCount({ category: 'municipal_road' }, now)).toBe(1);
        expect(await store.overdueCount({ unitId: 'u-7' }, now)).toBe(1);
        expect(await store.overdueCount({ districtId: 'd1', unitId: 'u-7' }, at(-1))).toBe(0);
      });

      it('writes extension requests with the command that makes them, and none when it fails', async () => {
        const incident = draftIncident();
        const other = draftIncident({ districtId: 'd2' });
        await store.ingest([incidentWrite(incident), incidentWrite(other)], decideReading);
        const pending = request('req-1', incident, 1);
        await store.updateIncident(incident.id, edit(() => ({}), at(1), { requests: [pending] }), at(1));
        await store.updateIncident(other.id, edit(() => ({}), at(2), { requests: [request('req-2', other, 2, { kind: 'suspension', minutes: null })] }), at(2));
        // The command fails after deciding: its request is not kept.
        await expect(store.updateIncident(incident.id, edit(() => ({}), at(3), { requests: [request('req-3', incident, 3)], attachPhotoId: 'nope' }), at(3))).rejects.toThrow();
        expect(await store.getDeadlineRequest('req-3')).toBeUndefined();
        expect(await store.getDeadlineRequest('req-1')).toEqual(pending);
        expect((await store.listDeadlineRequests({ limit: 10 })).map((r) => r.id)).toEqual(['req-2', 'req-1']);
        expect((await store.listDeadlineRequests({ limit: 1 })).map((r) => r.id)).toEqual(['req-2']);
        expect((await store.listDeadlineRequests({ limit: 10, districtId: 'd1' })).map((r) => r.id)).toEqual(['req-1']);
        expect((await store.listDeadlineRequests({ limit: 10, incidentId: other.id })).map((r) => r.id)).toEqual(['req-2']);
        // Deciding it updates the same request.
        const approved = { ...pending, status: 'approved' as const, decidedBy: 'u-sup', decidedAt: at(4) };
        await store.updateIncident(incident.id, edit(() => ({}), at(4), { requests: [approved] }), at(4));
        expect(await store.getDeadlineRequest('req-1')).toEqual(approved);
        expect((await store.listDeadlineRequests({ limit: 10, status: 'pending' })).map((r) => r.id)).toEqual(['req-2']);
        expect((await store.listDeadlineRequests({ limit: 10, status: 'approved' })).map((r) => r.id)).toEqual(['req-1']);
      });

      it('replaces the profiles at once, audited with before and after', async () => {
        const profile = (category: string, severity: DeadlineProfile['severity'], minutes: number) =>
          ({ category, severity, limits: { dispatch: { amount: minutes, unit: 'minutes' } } }) as unknown as DeadlineProfile;
        expect(await store.listDeadlineProfiles()).toEqual([]);
        const first = [profile('municipal.road', '*', 30), profile('municipal', 'high', 10)];
        await store.saveDeadlineProfiles(first, 'u-admin', at(1));
        expect(await store.listDeadlineProfiles()).toEqual([first[1], first[0]]);
        const second = [profile('municipal', 'high', 15)];
        await store.saveDeadlineProfiles(second, 'u-admin', at(2));
        expect(await store.listDeadlineProfiles()).toEqual(second);
        const audit = await store.audit('deadline_profiles', 'all');
        expect(audit.map((e) => [e.action, e.actorId, e.before, e.after])).toEqual([
          ['deadline_profiles.save', 'u-admin', [], first],
          ['deadline_profiles.save', 'u-admin', [first[1], first[0]], second],
        ]);
      });
    });

    describe('evaluation records', () => {
      it('reads the cohort created in range with its units, returns, reopens and evidence', async () => {
        const a = draftIncident({ createdAt: at(1), updatedAt: at(1) });
        const b = draftIncident({ createdAt: at(2), updatedAt: at(2), districtId: 'd2', category: 'municipal.drainage' });
        const merged = draftIncident({ createdAt: at(3), updatedAt: at(3) });
        const outside = draftIncident({ createdAt: at(120), updatedAt: at(120) });
        await store.ingest([a, b, merged, outside].map((i) => incidentWrite(i)), decideReading);
        const step = (id: string, action: string, now: string, extra: Omit<IncidentUpdate, 'decision'> = {}, note?: string, to?: Incident['status']) =>
          store.updateIncident(
            id,
            (i) => {
              const entry: TimelineEntry = { at: now, action, actorId: 'u-disp', from: i.status, to: to ?? i.status, ...(note === undefined ? {} : { note }) };
              return { decision: { ok: true, incident: { ...i, status: to ?? i.status, version: i.version + 1, updatedAt: now }, entry }, ...extra };
            },
            now,
          );
        const task = (id: string, incidentId: string, unitId: string, status: Task['status'], note: string | null = null): Task => ({
          id,
          incidentId,
          unitId,
          districtId: 'd1',
          status,
          note,
          version: 1,
          createdAt: at(5),
          updatedAt: at(5),
        });
        await step(a.id, 'dispatch', at(5), { tasks: [task('t1', a.id, 'unit-b', 'returned')] }, undefined, 'dispatched');
        await step(a.id, 'return', at(6), {}, 'wrong unit');
        await step(a.id, 'dispatch', at(7), { tasks: [task('t2', a.id, 'unit-a', 'resolved', 'fixed, photo on file')] });
        await step(a.id, 'verify', at(8), {}, 'not fixed', 'dispatched');
        await step(a.id, 'reopen', at(9), {}, 'again');
        await step(b.id, 'resolve', at(9), {}, '  ', 'resolved');
        await step(merged.id, 'merge', at(9), {}, undefined, 'merged');

        const all = await store.evaluationRecords({ from: at(0), to: at(60) });
        expect(all.map((r) => r.id)).toEqual([a.id, b.id]);
        expect(all[0]).toMatchObject({ code: 'C20261130-0001', unitIds: ['unit-b', 'unit-a'], returns: 1, reopens: 2, evidence: true, deadline: null, clock: null, callbackResolved: null });
        expect(all[1]).toMatchObject({ districtId: 'd2', unitIds: [], returns: 0, reopens: 0, evidence: false });
        expect((await store.evaluationRecords({ from: at(0), to: at(60), districtId: 'd2' })).map((r) => r.id)).toEqual([b.id]);
        expect((await store.evaluationRecords({ from: at(0), to: at(60), category: 'municipal.road' })).map((r) => r.id)).toEqual([a.id]);
        expect(await store.evaluationRecords({ from: at(0), to: at(60), category: 'municipal.ro' })).toEqual([]);
        expect((await store.evaluationRecords({ from: at(2), to: at(200) })).map((r) => r.id)).toEqual([b.id, outside.id]);
        // The evaluation the live vital signs read is that of the same records.
        expect(await store.evaluation({ from: at(0), to: at(60) }, at(60))).toEqual(evaluate(all, at(60)));
        expect((await store.evaluation({ from: at(0), to: at(60), districtId: 'd2' }, at(60))).cases).toBe(1);
        // A unit's cases: those it had a task on, whatever became of the task.
        expect((await store.evaluationRecords({ from: at(0), to: at(60), unitId: 'unit-b' })).map((r) => r.id)).toEqual([a.id]);
        expect(await store.evaluationRecords({ from: at(0), to: at(60), unitId: 'unit-z' })).toEqual([]);
        expect(await store.evaluationTable({ from: at(0), to: at(60) }, 'district', at(60))).toEqual(evaluateBy(all, 'district', at(60)));
        expect((await store.evaluationTable({ from: at(0), to: at(60), unitId: 'unit-a' }, 'unit', at(60))).map((r) => r.key).sort()).toEqual(['unit-a', 'unit-b']);
      });
    });
  });
}
