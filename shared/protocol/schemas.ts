// zod schemas for everything that crosses the edge: ingest events and HTTP request bodies.
// Types are inferred from them (XReq = z.infer<typeof XSchema>), so the check and the type agree.

import { z } from 'zod';
import { LIMIT_UNITS } from '../domain/workCalendar.ts';
import { ROLES, SATISFACTIONS, SEVERITIES } from '../domain/types.ts';
import type { FieldIssue } from './errors.ts';

export const MAX_EVENTS_PER_BATCH = 1000;
export const MAX_TEXT_LENGTH = 4000;

const id = z.string().trim().min(1).max(128);
const text = z.string().trim().min(1).max(MAX_TEXT_LENGTH);
export const LonLatSchema = z.tuple([z.number().min(-180).max(180), z.number().min(-90).max(90)]);
export const IsoTimeSchema = z.iso.datetime({ offset: true });
const severity = z.enum(SEVERITIES);
const categoryCode = z.string().regex(/^[a-z0-9_]+(\.[a-z0-9_]+)+$/, 'expected a category code such as municipal.drainage.waterlogging');

export const HotlinePayloadSchema = z
  .object({
    callId: id,
    caller: z.object({
      name: z.string().trim().min(1).max(100),
      phone: z.string().regex(/^\+?[0-9][0-9 -]{4,19}$/, 'expected a phone number'),
    }),
    text,
    address: z.string().trim().min(1).max(300).optional(),
    location: LonLatSchema.optional(),
    categoryHint: categoryCode.optional(),
    wantsCallback: z.boolean(),
  })
  .refine((p) => p.address !== undefined || p.location !== undefined, {
    message: 'a call needs an address or a location',
    path: ['location'],
  });

export const SensorPayloadSchema = z.object({
  sensorId: id,
  metric: z.string().trim().min(1).max(64),
  value: z.number().finite(),
  unit: z.string().max(32).optional(),
});

export const ReportPayloadSchema = z.object({
  category: categoryCode,
  severity: severity.optional(),
  text,
  location: LonLatSchema,
  photoUrl: z.url().max(2000).optional(),
  reporter: z.string().trim().min(1).max(100).optional(),
});

const envelope = {
  sourceEventId: id,
  occurredAt: IsoTimeSchema,
};

export const IngestEventSchema = z.discriminatedUnion('source', [
  z.object({ source: z.literal('hotline'), ...envelope, payload: HotlinePayloadSchema }),
  z.object({ source: z.literal('sensor'), ...envelope, payload: SensorPayloadSchema }),
  z.object({ source: z.literal('patrol'), ...envelope, payload: ReportPayloadSchema }),
  z.object({ source: z.literal('camera'), ...envelope, payload: ReportPayloadSchema }),
  z.object({ source: z.literal('system'), ...envelope, payload: ReportPayloadSchema }),
]);
export type IngestEvent = z.infer<typeof IngestEventSchema>;
export type HotlinePayload = z.infer<typeof HotlinePayloadSchema>;
export type SensorPayload = z.infer<typeof SensorPayloadSchema>;
export type ReportPayload = z.infer<typeof ReportPayloadSchema>;

/** The batch is checked in two steps: its shape here, then each item on its own. */
export const IngestBatchSchema = z.object({
  events: z.array(z.unknown()).min(1).max(MAX_EVENTS_PER_BATCH),
});

export type IngestItemStatus = 'accepted' | 'duplicate' | 'rejected';
export interface IngestItemResult {
  sourceEventId: string | null;
  status: IngestItemStatus;
  incidentId?: string;
  /** The event was a repeated report, linked to this existing incident. */
  linked?: boolean;
  error?: { code: 'validation_failed' | 'unknown_sensor' | 'out_of_area'; message: string; details: FieldIssue[] };
}
export interface IngestResponse {
  results: IngestItemResult[];
}

export const LoginSchema = z.object({
  username: z.string().trim().min(1).max(64),
  password: z.string().min(1).max(256),
});
export type LoginReq = z.infer<typeof LoginSchema>;

export const CreateIncidentSchema = z.object({
  text: text,
  category: categoryCode,
  severity: severity.optional(),
  location: LonLatSchema,
  address: z.string().trim().min(1).max(300).optional(),
});
export type CreateIncidentReq = z.infer<typeof CreateIncidentSchema>;

const version = z.number().int().min(1);
const reason = z.string().trim().min(1).max(1000);
const note = z.string().trim().max(2000).optional();

export const IncidentActionSchema = z.discriminatedUnion('action', [
  z.object({ action: z.literal('triage'), version, category: categoryCode, severity }),
  z.object({ action: z.literal('dispatch'), version, unitId: id, reason: reason.optional() }),
  z.object({ action: z.literal('verify'), version, ok: z.boolean(), note }),
  z.object({ action: z.literal('close'), version, note }),
  z.object({ action: z.literal('reopen'), version, reason }),
  z.object({ action: z.literal('reject'), version, reason }),
  z.object({ action: z.literal('merge'), version, intoId: id }),
  z.object({ action: z.literal('split'), version, reason }),
  z.object({ action: z.literal('escalate'), version, reason }),
  z.object({ action: z.literal('rate'), version, satisfaction: z.enum(SATISFACTIONS), resolved: z.boolean().optional() }),
]);
export type IncidentActionReq = z.infer<typeof IncidentActionSchema>;

export const TaskActionSchema = z.object({
  action: z.enum(['accept', 'arrive', 'resolve', 'return']),
  version,
  note,
  reason: reason.optional(),
  photo: z.uuid().optional(),
  location: LonLatSchema.optional(),
});
export type TaskActionReq = z.infer<typeof TaskActionSchema>;

export const UnitPositionSchema = z.object({
  location: LonLatSchema,
  at: IsoTimeSchema,
});

export const IncidentQuerySchema = z.object({
  status: z.string().max(200).optional(),
  district: z.string().max(32).optional(),
  category: z.string().max(128).optional(),
  severity: severity.optional(),
  q: z.string().max(200).optional(),
  cursor: z.string().max(200).optional(),
  limit: z.coerce.number().int().min(1).max(500).default(100),
});

export const RoleSchema = z.enum(ROLES);

// ---- security: accounts, keys, caller reveal ----

/** At least 8 characters; the admin sets it, the user changes it later (not built yet). */
const newPassword = z.string().min(8, 'at least 8 characters').max(256);
const optionalRef = z.string().trim().min(1).max(64).nullable().optional();

export const CreateUserSchema = z.object({
  username: z.string().trim().regex(/^[A-Za-z0-9_.-]{2,64}$/, 'letters, digits, _ . - (2–64)'),
  password: newPassword,
  role: RoleSchema,
  displayName: z.string().trim().min(1).max(100),
  districtId: optionalRef,
  unitId: optionalRef,
  kiosk: z.boolean().optional(),
});
export type CreateUserReq = z.infer<typeof CreateUserSchema>;

export const UpdateUserSchema = z
  .object({
    role: RoleSchema.optional(),
    displayName: z.string().trim().min(1).max(100).optional(),
    districtId: optionalRef,
    unitId: optionalRef,
    disabled: z.boolean().optional(),
    kiosk: z.boolean().optional(),
  })
  .strict();
export type UpdateUserReq = z.infer<typeof UpdateUserSchema>;

export const ResetPasswordSchema = z.object({ password: newPassword });

export const CreateApiKeySchema = z.object({ name: z.string().trim().min(1).max(100) });

export const RevealCallerSchema = z.object({
  eventId: z.number().int().min(1),
  reason: z.string().trim().min(3, 'say why (at least 3 characters)').max(300),
});
export type RevealCallerReq = z.infer<typeof RevealCallerSchema>;

/** zod issues → the contract's field list, with dotted paths a person can read. */
export function fieldIssues(error: z.ZodError, prefix = ''): FieldIssue[] {
  return error.issues.map((issue) => {
    const path = [prefix, ...issue.path.map(String)].filter((part) => part !== '').join('.');
    return { path: path || '(body)', message: issue.message };
  });
}

// ---- deadlines, escalation and evaluation ----

const LimitSchema = z.object({ amount: z.number().positive().max(100_000), unit: z.enum(LIMIT_UNITS) });

export const DeadlineProfileSchema = z.object({
  // A leaf, a branch of the tree ('landscaping'), or '*' for any.
  category: z.union([z.literal('*'), z.string().regex(/^[a-z0-9_]+(\.[a-z0-9_]+)*$/, 'expected *, a category code or a branch of the tree')]),
  severity: z.union([z.literal('*'), severity]),
  limits: z.object({ dispatch: LimitSchema, accept: LimitSchema, arrive: LimitSchema, resolve: LimitSchema, case: LimitSchema }),
});

export const DeadlineProfilesSchema = z
  .object({ profiles: z.array(DeadlineProfileSchema).min(1).max(2000) })
  .refine((v) => new Set(v.profiles.map((p) => `${p.category}|${p.severity}`)).size === v.profiles.length, {
    message: 'each category and severity may appear once',
    path: ['profiles'],
  });

export const DeadlineRequestSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('extension'), reason, minutes: z.number().int().min(1).max(60 * 24 * 60) }),
  z.object({ kind: z.literal('suspension'), reason }),
]);
export type DeadlineRequestReq = z.infer<typeof DeadlineRequestSchema>;

export const DeadlineDecisionSchema = z.object({ approve: z.boolean(), note });

export const MetricsQuerySchema = z.object({
  district: z.string().max(32).optional(),
  unit: z.string().max(64).optional(),
  category: z.string().max(128).optional(),
  from: IsoTimeSchema.optional(),
  to: IsoTimeSchema.optional(),
  bucket: z.enum(['day', 'hour']).default('day'),
  by: z.enum(['district', 'unit', 'category']).default('district'),
});
export type MetricsQuery = z.infer<typeof MetricsQuerySchema>;
