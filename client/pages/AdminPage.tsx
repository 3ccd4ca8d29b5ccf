// Administration: accounts (create, role, district, disable, reset password), ingest API keys
// (create — shown once — and revoke) and signed-in sessions (end). The auditor, who changes
// nothing, gets the audit lookup only. What each role may do comes from the shared policy table.

import { useCallback, useEffect, useState, type FormEvent } from 'react';
import { ROLES, type Role } from '../../shared/domain/types.ts';
import type { MessageKey } from '../../shared/i18n/index.ts';
import { grantOf } from '../../shared/security/policy.ts';
import { api, ApiError } from '../api/http.ts';
import { useT } from '../i18n/useT.ts';
import { selectUser, useAppStore } from '../store/cityStore.ts';
import { TopBar } from './TopBar.tsx';

interface AdminUser {
  id: string;
  username: string;
  role: Role;
  displayName: string;
  districtId: string | null;
  unitId: string | null;
  disabled: boolean;
  kiosk: boolean;
}
interface ApiKey {
  id: string;
  name: string;
  revoked: boolean;
  createdAt?: string;
}
interface SessionRow {
  id: string;
  userId: string;
  username: string | null;
  role: Role | null;
  createdAt: string;
  lastSeenAt: string | null;
}
interface AuditRow {
  id: number;
  at: string;
  actorId: string | null;
  action: string;
  outcome?: string;
  reason?: string;
}

const message = (e: unknown) => (e instanceof ApiError ? e.message : String(e));

function useList<T>(url: string, enabled: boolean) {
  const [items, setItems] = useState<T[]>([]);
  const [error, setError] = useState<string | null>(null);
  const reload = useCallback(() => {
    if (!enabled) return;
    api
      .get<{ items: T[] }>(url)
      .then((r) => {
        setItems(r.items);
        setError(null);
      })
      .catch((e: unknown) => setError(message(e)));
  }, [url, enabled]);
  useEffect(reload, [reload]);
  return { items, error, reload, setError };
}

function Alert({ text }: { text: string | null }) {
  return text ? (
    <p className="detail__message" role="alert">
      {text}
    </p>
  ) : null;
}

function UserRow({ user, onChange, self }: { user: AdminUser; onChange: () => void; self: boolean }) {
  const t = useT();
  const [password, setPassword] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [done, setDone] = useState<string | null>(null);
  const patch = async (body: Partial<AdminUser>) => {
    setError(null);
    try {
      await api.patch(`/api/admin/users/${user.id}`, body);
      onChange();
    } catch (e) {
      setError(message(e));
    }
  };
  const reset = async () => {
    setError(null);
    try {
      await api.post(`/api/admin/users/${user.id}/password`, { password });
      setPassword('');
      setDone(t('admin.passwordReset'));
    } catch (e) {
      setError(message(e));
    }
  };
  return (
    <tr data-testid="admin-user" data-username={user.username} className={user.disabled ? 'admin__row--off' : undefined}>
      <td>
        <strong>{user.username}</strong>
        <div className="admin__muted">{user.displayName}</div>
      </td>
      <td>
        <select aria-label={t('admin.role')} value={user.role} disabled={self} onChange={(e) => void patch({ role: e.target.value as Role })}>
          {ROLES.map((r) => (
            <option key={r} value={r}>
              {t(`role.${r}` as MessageKey)}
            </option>
          ))}
        </select>
      </td>
      <td>
        <input
          aria-label={t('admin.district')}
          className="admin__short"
          defaultValue={user.districtId ?? ''}
          onBlur={(e) => {
            const v = e.target.value.trim() || null;
            if (v !== user.districtId) void patch({ districtId: v });
          }}
        />
      </td>
      <td>
        <input
          aria-label={t('admin.unit')}
          className="admin__short"
          defaultValue={user.unitId ?? ''}
          onBlur={(e) => {
            const v = e.target.value.trim() || null;
            if (v !== user.unitId) void patch({ unitId: v });
          }}
        />
      </td>
      <td>
        <label className="admin__check">
          <input type="checkbox" checked={user.kiosk} onChange={(e) => void patch({ kiosk: e.target.checked })} /> {t('admin.kiosk')}
        </label>
      </td>
      <td className="admin__actions">
        <button type="button" className="btn" data-action={user.disabled ? 'enable' : 'disable'} disabled={self} onClick={() => void patch({ disabled: !user.disabled })}>
          {user.disabled ? t('admin.enable') : t('admin.disable')}
        </button>
        <input type="password" aria-label={t('admin.newPassword')} placeholder={t('admin.newPassword')} value={password} onChange={(e) => setPassword(e.target.value)} autoComplete="new-password" />
        <button type="button" className="btn" disabled={password.length < 8} onClick={() => void reset()}>
          {t('admin.resetPassword')}
        </button>
        <Alert text={error} />
        {done && <span className="admin__muted">{done}</span>}
      </td>
    </tr>
  );
}

function NewUserForm({ onCreated }: { onCreated: () => void }) {
  const t = useT();
  const [form, setForm] = useState({ username: '', displayName: '', password: '', role: 'dispatcher' as Role, districtId: '', unitId: '' });
  const [error, setError] = useState<string | null>(null);
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setError(null);
    try {
      await api.post('/api/admin/users', { ...form, districtId: form.districtId.trim() || null, unitId: form.unitId.trim() || null });
      setForm({ ...form, username: '', displayName: '', password: '' });
      onCreated();
    } catch (err) {
      setError(message(err));
    }
  };
  const field = (key: 'username' | 'displayName' | 'password' | 'districtId' | 'unitId', label: MessageKey, type = 'text') => (
    <label className="field field--inline">
      <span>{t(label)}</span>
      <input name={key} type={type} value={form[key]} onChange={(e) => setForm({ ...form, [key]: e.target.value })} autoComplete={type === 'password' ? 'new-password' : 'off'} />
    </label>
  );
  return (
    <form className="admin__form" onSubmit={(e) => void submit(e)} data-testid="admin-new-user">
      {field('username', 'admin.username')}
      {field('displayName', 'admin.displayName')}
      {field('password', 'admin.password', 'password')}
      <label className="field field--inline">
        <span>{t('admin.role')}</span>
        <select name="role" value={form.role} onChange={(e) => setForm({ ...form, role: e.target.value as Role })}>
          {ROLES.map((r) => (
            <option key={r} value={r}>
              {t(`role.${r}` as MessageKey)}
            </option>
          ))}
        </select>
      </label>
      {field('districtId', 'admin.district')}
      {field('unitId', 'admin.unit')}
      <button type="submit" className="btn btn--primary">
        {t('admin.createUser')}
      </button>
      <Alert text={error} />
    </form>
  );
}

function ApiKeys() {
  const t = useT();
  const keys = useList<ApiKey>('/api/admin/api-keys', true);
  const [name, setName] = useState('');
  const [shown, setShown] = useState<{ name: string; key: string } | null>(null);
  const create = async (e: FormEvent) => {
    e.preventDefault();
    try {
      const created = await api.post<{ name: string; key: string }>('/api/admin/api-keys', { name });
      setShown(created);
      setName('');
      keys.reload();
    } catch (err) {
      keys.setError(message(err));
    }
  };
  const revoke = async (id: string) => {
    try {
      await api.del(`/api/admin/api-keys/${id}`);
      keys.reload();
    } catch (err) {
      keys.setError(message(err));
    }
  };
  return (
    <section className="panel admin__section">
      <h2 className="panel__title">{t('admin.keys')}</h2>
      <form className="admin__form" onSubmit={(e) => void create(e)}>
        <label className="field field--inline field--grow">
          <span>{t('admin.keyName')}</span>
          <input name="keyName" value={name} onChange={(e) => setName(e.target.value)} />
        </label>
        <button type="submit" className="btn btn--primary" disabled={!name.trim()}>
          {t('admin.createKey')}
        </button>
      </form>
      {shown && (
        <div className="admin__once" data-testid="admin-new-key">
          <p>{t('admin.keyOnce', { name: shown.name })}</p>
          <code>{shown.key}</code>
        </div>
      )}
      <Alert text={keys.error} />
      <table className="admin__table">
        <tbody>
          {keys.items.map((k) => (
            <tr key={k.id} data-testid="admin-key" className={k.revoked ? 'admin__row--off' : undefined}>
              <td>{k.name}</td>
              <td className="admin__muted">{k.createdAt?.slice(0, 16).replace('T', ' ')}</td>
              <td>{k.revoked ? t('admin.revoked') : <button type="button" className="btn" onClick={() => void revoke(k.id)}>{t('admin.revoke')}</button>}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}

function Sessions() {
  const t = useT();
  const sessions = useList<SessionRow>('/api/admin/sessions', true);
  const end = async (id: string) => {
    try {
      await api.del(`/api/admin/sessions/${id}`);
      sessions.reload();
    } catch (err) {
      sessions.setError(message(err));
    }
  };
  return (
    <section className="panel admin__section">
      <h2 className="panel__title">
        {t('admin.sessions')} · {sessions.items.length}
      </h2>
      <Alert text={sessions.error} />
      <table className="admin__table">
        <thead>
          <tr>
            <th>{t('admin.username')}</th>
            <th>{t('admin.role')}</th>
            <th>{t('admin.signedIn')}</th>
            <th>{t('admin.lastSeen')}</th>
            <th />
          </tr>
        </thead>
        <tbody>
          {sessions.items.map((s) => (
            <tr key={s.id} data-testid="admin-session">
              <td>{s.username}</td>
              <td>{s.role ? t(`role.${s.role}` as MessageKey) : ''}</td>
              <td className="admin__muted">{s.createdAt.slice(0, 16).replace('T', ' ')}</td>
              <td className="admin__muted">{s.lastSeenAt?.slice(0, 16).replace('T', ' ')}</td>
              <td>
                <button type="button" className="btn" onClick={() => void end(s.id)}>
                  {t('admin.endSession')}
                </button>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}

function AuditLookup() {
  const t = useT();
  const [entity, setEntity] = useState('incident');
  const [id, setId] = useState('');
  const [rows, setRows] = useState<AuditRow[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const look = async (e: FormEvent) => {
    e.preventDefault();
    setError(null);
    try {
      setRows((await api.get<{ items: AuditRow[] }>(`/api/audit?entity=${encodeURIComponent(entity)}&id=${encodeURIComponent(id.trim())}`)).items);
    } catch (err) {
      setError(message(err));
    }
  };
  return (
    <section className="panel admin__section">
      <h2 className="panel__title">{t('admin.audit')}</h2>
      <form className="admin__form" onSubmit={(e) => void look(e)}>
        <label className="field field--inline">
          <span>{t('admin.auditEntity')}</span>
          <select value={entity} onChange={(e) => setEntity(e.target.value)}>
            {['incident', 'user', 'caller', 'api_key', 'alarm'].map((x) => (
              <option key={x} value={x}>
                {x}
              </option>
            ))}
          </select>
        </label>
        <label className="field field--inline field--grow">
          <span>{t('admin.auditId')}</span>
          <input name="auditId" value={id} onChange={(e) => setId(e.target.value)} />
        </label>
        <button type="submit" className="btn btn--primary" disabled={!id.trim()}>
          {t('admin.auditLook')}
        </button>
      </form>
      <Alert text={error} />
      {rows && (
        <table className="admin__table">
          <tbody>
            {rows.length === 0 && (
              <tr>
                <td className="admin__muted">{t('admin.auditNone')}</td>
              </tr>
            )}
            {rows.map((r) => (
              <tr key={r.id}>
                <td className="admin__muted">{r.at.replace('T', ' ').slice(0, 19)}Z</td>
                <td>{r.action}</td>
                <td>{r.outcome}</td>
                <td className="admin__muted">{r.actorId}</td>
                <td>{r.reason}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}

export function AdminPage() {
  const t = useT();
  const me = useAppStore(selectUser);
  const role = me?.role ?? 'operator';
  const canManage = grantOf(role, 'user.manage') !== null;
  const users = useList<AdminUser>('/api/admin/users', canManage);
  return (
    <div className="screen">
      <TopBar />
      <main className="admin">
        {canManage && (
          <section className="panel admin__section">
            <h2 className="panel__title">
              {t('admin.users')} · {users.items.length}
            </h2>
            <NewUserForm onCreated={users.reload} />
            <Alert text={users.error} />
            <table className="admin__table">
              <thead>
                <tr>
                  <th>{t('admin.username')}</th>
                  <th>{t('admin.role')}</th>
                  <th>{t('admin.district')}</th>
                  <th>{t('admin.unit')}</th>
                  <th />
                  <th />
                </tr>
              </thead>
              <tbody>
                {users.items.map((u) => (
                  <UserRow key={`${u.id}:${u.districtId}:${u.unitId}`} user={u} self={u.id === me?.id} onChange={users.reload} />
                ))}
              </tbody>
            </table>
          </section>
        )}
        {grantOf(role, 'apikey.manage') && <ApiKeys />}
        {grantOf(role, 'session.manage') && <Sessions />}
        {grantOf(role, 'audit.read') && <AuditLookup />}
        {!canManage && !grantOf(role, 'audit.read') && <p className="admin__muted">{t('admin.nothing')}</p>}
      </main>
    </div>
  );
}
