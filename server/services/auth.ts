// Accounts, sessions and ingest keys. Passwords are argon2id hashes; session tokens and API keys
// are random and stored only as SHA-256 digests, so a copy of the database opens no session.

import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { hash, verify } from '@node-rs/argon2';
import type { Role, User } from '../../shared/domain/types.ts';
import type { Store, UserRecord } from '../store/Store.ts';

// Algorithm.Argon2id is an ambient const enum (value 2), which isolated modules cannot import.
const ARGON2ID = 2;
// OWASP's argon2id floor: 19 MiB, 2 iterations, 1 lane.
const ARGON2 = { algorithm: ARGON2ID, memoryCost: 19_456, timeCost: 2, parallelism: 1 } as const;

export function digest(secret: string): string {
  return createHash('sha256').update(secret, 'utf8').digest('hex');
}

export function hashPassword(password: string): Promise<string> {
  return hash(password, ARGON2);
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
}

export class AuthService {
  // A fixed hash to verify against when the user does not exist, so timing does not reveal names.
  private dummyHash: Promise<string> | null = null;

  constructor(
    private readonly store: Store,
    private readonly sessionTtlMs: number,
  ) {}

  async createUser(input: NewUser, now: string): Promise<User> {
    const record: UserRecord = {
      id: randomUUID(),
      username: input.username,
      passwordHash: await hashPassword(input.password),
      role: input.role,
      displayName: input.displayName,
      districtId: input.districtId ?? null,
      unitId: input.unitId ?? null,
      disabled: false,
    };
    await this.store.createUser(record, now);
    return publicUser(record);
  }

  /** Checks a password; returns a new session token (shown once, stored hashed) and the user. */
  async login(username: string, password: string, now: Date): Promise<{ token: string; user: User; expiresAt: Date } | null> {
    const record = await this.store.findUserByUsername(username);
    if (!record || record.disabled) {
      this.dummyHash ??= hashPassword(randomBytes(16).toString('hex'));
      await verify(await this.dummyHash, password).catch(() => false);
      return null;
    }
    const ok = await verify(record.passwordHash, password).catch(() => false);
    if (!ok) return null;
    const token = randomBytes(32).toString('base64url');
    const expiresAt = new Date(now.getTime() + this.sessionTtlMs);
    await this.store.createSession({
      tokenHash: digest(token),
      userId: record.id,
      createdAt: now.toISOString(),
      expiresAt: expiresAt.toISOString(),
    });
    return { token, user: publicUser(record), expiresAt };
  }

  /** The signed-in user behind a session token, or null if unknown, expired or disabled. */
  async userForToken(token: string | undefined, now: Date): Promise<User | null> {
    if (!token) return null;
    const session = await this.store.getSession(digest(token));
    if (!session || session.expiresAt <= now.toISOString()) return null;
    const record = await this.store.getUser(session.userId);
    if (!record || record.disabled) return null;
    return publicUser(record);
  }

  async logout(token: string | undefined): Promise<void> {
    if (token) await this.store.deleteSession(digest(token));
  }

  async createApiKey(name: string, now: string, key = `ck_${randomBytes(24).toString('base64url')}`): Promise<string> {
    await this.store.createApiKey(randomUUID(), name, digest(key), now);
    return key;
  }

  async apiKeyValid(key: string | undefined): Promise<boolean> {
    if (!key) return false;
    const record = await this.store.findApiKey(digest(key));
    return record !== undefined && !record.revoked && record.scope === 'ingest';
  }
}
