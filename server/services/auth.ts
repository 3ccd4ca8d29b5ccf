// Accounts, sessions and ingest keys. Passwords are argon2id hashes (rehashed at sign-in when the
// parameters rise); session tokens and API keys are random and stored only as SHA-256 digests,
// so a copy of the database opens no session. Sessions end on logout, after an idle spell (not
// for kiosk accounts), at an absolute limit, and whenever the account is disabled or its role,
// district or unit changes; listeners (the live server) are told at once so sockets close too.

import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { hash, verify } from '@node-rs/argon2';
import type { Role, User } from '../../shared/domain/types.ts';
import { LoginThrottle, DEFAULT_THROTTLE, type ThrottleOptions } from '../../shared/domain/loginThrottle.ts';
import type { ApiKeyRecord, SessionRecord, Store, UserPatch, UserRecord } from '../store/Store.ts';

// Algorithm.Argon2id is an ambient const enum (value 2), which isolated modules cannot import.
const ARGON2ID = 2;

export interface Argon2Params {
  memoryCost: number;
  timeCost: number;
  parallelism: number;
}
// OWASP's argon2id floor: 19 MiB, 2 iterations, 1 lane.
export const DEFAULT_ARGON2: Argon2Params = { memoryCost: 19_456, timeCost: 2, parallelism: 1 };

export function digest(secret: string): string {
  return createHash('sha256').update(secret, 'utf8').digest('hex');
}

export function hashPassword(password: string, params: Argon2Params = DEFAULT_ARGON2): Promise<string> {
  return hash(password, { algorithm: ARGON2ID, ...params });
}

/** Whether a stored hash was made with weaker parameters than `params` (or another algorithm). */
export function needsRehash(stored: string, params: Argon2Params): boolean {
  const m = /^\$argon2id\$v=\d+\$m=(\d+),t=(\d+),p=(\d+)\$/.exec(stored);
  if (!m) return true;
  return Number(m[1]) < params.memoryCost || Number(m[2]) < params.timeCost || Number(m[3]) < params.parallelism;
}

export function publicUser(record: UserRecord): User {
  return {
    id: record.id,
    username: record.username,
    role: record.role,
    displayName: record.displayName,
    ...(record.districtId ? { districtId: record.districtId } : {}),
    ...(record.unitId ? { unitId: record.unitId } : {}),
  };
}

export interface NewUser {
  username: string;
  password: string;
  role: Role;
  displayName: string;
  districtId?: string;
  unitId?: string;
  kiosk?: boolean;
}

export interface AuthOptions {
  /** Absolute session lifetime. */
  sessionTtlMs: number;
  /** Idle timeout (kiosk accounts exempt). */
  idleTimeoutMs: number;
  argon2: Argon2Params;
  throttle: ThrottleOptions;
}

export const DEFAULT_AUTH: AuthOptions = { sessionTtlMs: 12 * 3_600_000, idleTimeoutMs: 30 * 60_000, argon2: DEFAULT_ARGON2, throttle: DEFAULT_THROTTLE };

/** What was revoked: every session of a user, or one session. */
export type Revocation = { userId: string } | { sessionId: string };

export type LoginResult =
  | { ok: true; token: string; user: User; expiresAt: Date }
  | { ok: false; reason: 'bad_credentials' }
  | { ok: false; reason: 'throttled'; retryAfterSeconds: number };

// Idle bookkeeping writes at most this often per session.
const TOUCH_EVERY_MS = 30_000;

export class AuthService {
  // A fixed hash to verify against when the user does not exist, so timing does not reveal names.
  private dummyHash: Promise<string> | null = null;
  private readonly throttle: LoginThrottle;
  private readonly revokeListeners: ((r: Revocation) => void)[] = [];
  readonly options: AuthOptions;

  constructor(
    private readonly store: Store,
    options: Partial<AuthOptions> = {},
  ) {
    this.options = { ...DEFAULT_AUTH, ...options };
    this.throttle = new LoginThrottle(this.options.throttle);
  }

  /** Be told at once when sessions end (to close their sockets). */
  onRevoke(listener: (r: Revocation) => void): void {
    this.revokeListeners.push(listener);
  }

  private revoked(r: Revocation): void {
    for (const listener of this.revokeListeners) listener(r);
  }

  async createUser(input: NewUser, now: string, actorId: string | null = null): Promise<User> {
    const record: UserRecord = {
      id: randomUUID(),
      username: input.username,
      passwordHash: await hashPassword(input.password, this.options.argon2),
      role: input.role,
      displayName: input.displayName,
      districtId: input.districtId ?? null,
      unitId: input.unitId ?? null,
      disabled: false,
      kiosk: input.kiosk ?? false,
    };
    await this.store.createUser(record, now);
    if (actorId) {
      await this.store.appendAudit({ at: now, actorId, action: 'user_create', entity: 'user', entityId: record.id, after: { username: record.username, role: record.role, districtId: record.districtId, unitId: record.unitId } });
    }
    return publicUser(record);
  }

  /**
   * Checks a password; on success a new session token (shown once, stored hashed). Any session
   * the browser already held is ended (rotation). Success and failure are both audited.
   */
  async login(username: string, password: string, now: Date, context: { address: string; previousToken?: string }): Promise<LoginResult> {
    const at = now.toISOString();
    const wait = this.throttle.retryAfterMs(username, context.address, now.getTime());
    if (wait > 0) {
      await this.store.appendAudit({ at, actorId: null, action: 'login', entity: 'user', entityId: username.slice(0, 64), outcome: 'refused', reason: 'throttled after repeated failures' });
      return { ok: false, reason: 'throttled', retryAfterSeconds: Math.ceil(wait / 1000) };
    }
    const record = await this.store.findUserByUsername(username);
    let ok = false;
    if (!record || record.disabled) {
      this.dummyHash ??= hashPassword(randomBytes(16).toString('hex'), this.options.argon2);
      await verify(await this.dummyHash, password).catch(() => false);
    } else {
      ok = await verify(record.passwordHash, password).catch(() => false);
    }
    if (!ok || !record) {
      this.throttle.fail(username, context.address, now.getTime());
      await this.store.appendAudit({
        at,
        actorId: record?.id ?? null,
        action: 'login',
        entity: 'user',
        entityId: record?.id ?? username.slice(0, 64),
        outcome: 'failed',
        reason: record?.disabled ? 'account disabled' : record ? 'wrong password' : 'unknown user',
      });
      return { ok: false, reason: 'bad_credentials' };
    }
    this.throttle.succeed(username, context.address);
    if (needsRehash(record.passwordHash, this.options.argon2)) {
      await this.store.updateUser(record.id, { passwordHash: await hashPassword(password, this.options.argon2) });
    }
    if (context.previousToken) await this.endSession(digest(context.previousToken));
    const token = randomBytes(32).toString('base64url');
    const expiresAt = new Date(now.getTime() + this.options.sessionTtlMs);
    await this.store.createSession({ id: randomUUID(), tokenHash: digest(token), userId: record.id, createdAt: at, expiresAt: expiresAt.toISOString(), lastSeenAt: at });
    await this.store.appendAudit({ at, actorId: record.id, action: 'login', entity: 'user', entityId: record.id, outcome: 'ok' });
    return { ok: true, token, user: publicUser(record), expiresAt };
  }

  /**
   * The session behind a token, with its user; null if unknown, expired (absolute or idle) or
   * the account is disabled. `touch` records activity (HTTP requests; sockets do not count).
   */
  async sessionFor(token: string | undefined, now: Date, { touch = false } = {}): Promise<{ user: User; tokenHash: string; session: SessionRecord } | null> {
    if (!token) return null;
    const tokenHash = digest(token);
    const session = await this.store.getSession(tokenHash);
    if (!session) return null;
    const nowIso = now.toISOString();
    if (session.expiresAt <= nowIso) return null;
    const record = await this.store.getUser(session.userId);
    if (!record || record.disabled) return null;
    const lastSeen = Date.parse(session.lastSeenAt ?? session.createdAt);
    if (!record.kiosk && now.getTime() - lastSeen > this.options.idleTimeoutMs) return null;
    if (touch && now.getTime() - lastSeen > TOUCH_EVERY_MS) await this.store.touchSession(tokenHash, nowIso);
    return { user: publicUser(record), tokenHash, session };
  }

  /** The signed-in user behind a session token, or null. */
  async userForToken(token: string | undefined, now: Date): Promise<User | null> {
    return (await this.sessionFor(token, now))?.user ?? null;
  }

  async logout(token: string | undefined, now = new Date()): Promise<void> {
    if (!token) return;
    const ended = await this.endSession(digest(token));
    for (const s of ended) await this.store.appendAudit({ at: now.toISOString(), actorId: s.userId, action: 'logout', entity: 'user', entityId: s.userId });
  }

  private async endSession(tokenHash: string): Promise<SessionRecord[]> {
    const ended = await this.store.deleteSessions({ tokenHash });
    for (const s of ended) this.revoked({ sessionId: s.id });
    return ended;
  }

  /** End one session by its public id (admin). */
  async endSessionById(id: string, actorId: string, now: Date): Promise<boolean> {
    const ended = await this.store.deleteSessions({ id });
    for (const s of ended) {
      this.revoked({ sessionId: s.id });
      await this.store.appendAudit({ at: now.toISOString(), actorId, action: 'session_end', entity: 'user', entityId: s.userId, reason: `session ${s.id}` });
    }
    return ended.length > 0;
  }

  /** End every session of a user and close their sockets. */
  async revokeUser(userId: string): Promise<void> {
    await this.store.deleteSessions({ userId });
    this.revoked({ userId });
  }

  /**
   * Change an account (admin). Disabling it, or changing its role, district or unit, ends all
   * its sessions at once: what they were allowed no longer holds.
   */
  async updateUser(userId: string, patch: UserPatch & { password?: string }, actorId: string, now: Date): Promise<User | undefined> {
    const before = await this.store.getUser(userId);
    if (!before) return undefined;
    const { password, ...rest } = patch;
    const changes: UserPatch = { ...rest };
    if (password !== undefined) changes.passwordHash = await hashPassword(password, this.options.argon2);
    const shown = (u: UserRecord) => ({ role: u.role, districtId: u.districtId, unitId: u.unitId, disabled: u.disabled, kiosk: u.kiosk ?? false, displayName: u.displayName });
    const action = password !== undefined ? 'password_reset' : 'user_update';
    const after = await this.store.updateUser(userId, changes, {
      at: now.toISOString(),
      actorId,
      action,
      entity: 'user',
      entityId: userId,
      before: shown(before),
      after: shown({ ...before, ...changes }),
    });
    if (!after) return undefined;
    const endsSessions =
      password !== undefined ||
      (rest.disabled === true && !before.disabled) ||
      (rest.role !== undefined && rest.role !== before.role) ||
      ('districtId' in rest && rest.districtId !== before.districtId) ||
      ('unitId' in rest && rest.unitId !== before.unitId);
    if (endsSessions) await this.revokeUser(userId);
    return publicUser(after);
  }

  async createApiKey(name: string, now: string, key = `ck_${randomBytes(24).toString('base64url')}`): Promise<string> {
    await this.store.createApiKey(randomUUID(), name, digest(key), now);
    return key;
  }

  /** A new ingest key from an administrator: returned once, stored only as its digest, audited. */
  async issueApiKey(name: string, actorId: string, now: Date): Promise<{ id: string; key: string }> {
    const id = randomUUID();
    const key = `ck_${randomBytes(24).toString('base64url')}`;
    await this.store.createApiKey(id, name, digest(key), now.toISOString());
    await this.store.appendAudit({ at: now.toISOString(), actorId, action: 'apikey_create', entity: 'api_key', entityId: id, after: { name } });
    return { id, key };
  }

  async revokeApiKey(id: string, actorId: string, now: Date): Promise<boolean> {
    const done = await this.store.revokeApiKey(id, now.toISOString());
    if (done) await this.store.appendAudit({ at: now.toISOString(), actorId, action: 'apikey_revoke', entity: 'api_key', entityId: id });
    return done;
  }

  listApiKeys(): Promise<ApiKeyRecord[]> {
    return this.store.listApiKeys();
  }

  async apiKeyValid(key: string | undefined): Promise<boolean> {
    if (!key) return false;
    const record = await this.store.findApiKey(digest(key));
    return record !== undefined && !record.revoked && record.scope === 'ingest';
  }
}
