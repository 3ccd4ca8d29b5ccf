// The audit log's hash chain: each row carries the SHA-256 of the previous row's hash and its
// own fields, so a row edited, inserted or removed behind the store's back breaks the chain at
// that row. Shared by the store that writes rows and the verifier that checks them.

import { createHash } from 'node:crypto';

/** The `prev_hash` of the first chained row. */
export const GENESIS_HASH = '0'.repeat(64);

/** An audit row as stored (JSON columns still serialised). */
export interface AuditRow {
  id: number;
  at: string;
  actorId: string | null;
  action: string;
  entity: string;
  entityId: string;
  before: string | null;
  after: string | null;
  reason: string | null;
  outcome: string;
  prevHash: string | null;
  hash: string | null;
}

export function auditHash(prevHash: string, row: Omit<AuditRow, 'prevHash' | 'hash'>): string {
  // A JSON array fixes field order and escapes separators, so no two rows serialise alike.
  const canonical = JSON.stringify([row.id, row.at, row.actorId, row.action, row.entity, row.entityId, row.before, row.after, row.reason, row.outcome]);
  return createHash('sha256').update(prevHash).update('\n').update(canonical, 'utf8').digest('hex');
}

export interface AuditChainReport {
  ok: boolean;
  /** Rows checked against the chain. */
  checked: number;
  /** Rows written before the chain began (no hash). */
  unchained: number;
  /** The first row that does not fit, and why. */
  brokenAt?: { id: number; problem: string };
}

/** Walk rows in id order and check every link. Pure: the caller reads the rows. */
export function verifyAuditRows(rows: Iterable<AuditRow>): AuditChainReport {
  let prev: string | null = null;
  let checked = 0;
  let unchained = 0;
  let lastId = 0;
  for (const row of rows) {
    if (row.id <= lastId) return { ok: false, checked, unchained, brokenAt: { id: row.id, problem: 'rows out of order' } };
    lastId = row.id;
    if (prev === null && row.hash === null) {
      unchained += 1;
      continue;
    }
    const expectedPrev = prev ?? GENESIS_HASH;
    if (row.hash === null) return { ok: false, checked, unchained, brokenAt: { id: row.id, problem: 'missing hash inside the chain' } };
    if (row.prevHash !== expectedPrev) return { ok: false, checked, unchained, brokenAt: { id: row.id, problem: 'does not follow the previous row (a row was removed or inserted)' } };
    if (auditHash(expectedPrev, row) !== row.hash) return { ok: false, checked, unchained, brokenAt: { id: row.id, problem: 'contents do not match the hash (the row was altered)' } };
    prev = row.hash;
    checked += 1;
  }
  return { ok: true, checked, unchained };
}
