// The Store contract as one suite, run against every implementation (store.test.ts): SQLite
// always, PostgreSQL when it is reachable. A method missing from one store, or answering
// differently, fails here. Add a `describe` block beside your new Store method.

import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { decide, type IncidentCommand } from '../../shared/domain/incidentMachine.ts';
import type { Actor, Alarm, Category, Incident, Sensor, SensorState, Task, Unit } from '../../shared/domain/types.ts';
import type { Change } from '../../shared/protocol/changes.ts';
import type { IngestWrite, ReadingDecider, Store } from './Store.ts';

export interface StoreHandle {
  store: Store;
  /** Close the store and remove what it stored. */
  dispose(): Promise<void>;
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
        expect((await store.snapshot(at(-60), 100)).alarms).toEqual([]);
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
  });
}
