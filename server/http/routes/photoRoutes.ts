// Field photos: uploaded as raw image bytes (type and size checked, and the bytes must be what
// the type says), stored under DATA_DIR/photos, served only to those who may see the incident.

import fs from 'node:fs';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import express, { Router } from 'express';
import type { Store } from '../../store/Store.ts';
import { canSee } from '../../services/incidents.ts';
import { HttpError } from '../errors.ts';
import { actorOf, requireRole } from '../session.ts';

export const PHOTO_LIMIT_BYTES = 5 * 1024 * 1024;

/** Accepted types, each with the leading bytes its files really start with. */
const SIGNATURES: Record<string, { ext: string; matches: (b: Buffer) => boolean }> = {
  'image/jpeg': { ext: 'jpg', matches: (b) => b.length > 3 && b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff },
  'image/png': { ext: 'png', matches: (b) => b.length > 8 && b.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) },
  'image/webp': { ext: 'webp', matches: (b) => b.length > 12 && b.toString('ascii', 0, 4) === 'RIFF' && b.toString('ascii', 8, 12) === 'WEBP' },
};

export function photoFile(dataDir: string, id: string, contentType: string): string {
  return path.join(dataDir, 'photos', `${id}.${SIGNATURES[contentType]?.ext ?? 'bin'}`);
}

export function photoRoutes(store: Store, dataDir: string): Router {
  const router = Router();
  fs.mkdirSync(path.join(dataDir, 'photos'), { recursive: true });

  router.post(
    '/photos',
    requireRole('officer', 'dispatcher', 'supervisor'),
    express.raw({ type: () => true, limit: PHOTO_LIMIT_BYTES }),
    async (req, res) => {
      const contentType = String(req.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
      const signature = SIGNATURES[contentType];
      if (!signature) throw new HttpError('validation_failed', `Content-Type must be one of ${Object.keys(SIGNATURES).join(', ')}`, [{ path: 'Content-Type', message: 'unsupported image type' }]);
      const body = req.body as Buffer;
      if (!Buffer.isBuffer(body) || body.length === 0) throw new HttpError('validation_failed', 'the photo is empty', [{ path: '(body)', message: 'empty' }]);
      if (!signature.matches(body)) throw new HttpError('validation_failed', `the bytes are not a ${contentType} image`, [{ path: '(body)', message: 'content does not match its type' }]);
      const id = randomUUID();
      await fs.promises.writeFile(photoFile(dataDir, id, contentType), body, { flag: 'wx' });
      await store.createPhoto({ id, userId: actorOf(req).id, incidentId: null, contentType, bytes: body.length, createdAt: new Date().toISOString() });
      res.status(201).json({ id, contentType, bytes: body.length });
    },
  );

  router.get('/photos/:id', requireRole('officer', 'dispatcher', 'supervisor', 'operator', 'admin', 'auditor'), async (req, res) => {
    const actor = actorOf(req);
    const photo = await store.getPhoto(String(req.params.id));
    const incident = photo?.incidentId ? await store.getIncident(photo.incidentId) : undefined;
    // The uploader sees their own photo; anyone else only as evidence of a case they may see.
    const allowed = photo && (photo.userId === actor.id || (incident !== undefined && canSee(actor, incident)));
    if (!photo || !allowed) throw new HttpError('not_found', 'no such photo');
    res.setHeader('Cache-Control', 'private, max-age=3600');
    res.setHeader('X-Content-Type-Options', 'nosniff');
    res.type(photo.contentType).sendFile(photoFile(dataDir, photo.id, photo.contentType));
  });

  return router;
}
