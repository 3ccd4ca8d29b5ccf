// The routes an Express app really registers, read from its router stack (mounted routers
// included), so a test can hold them against the policy table.

import type express from 'express';

export interface RegisteredRoute {
  method: string;
  path: string;
}

interface LayerLike {
  route?: { path: string | RegExp; methods: Record<string, boolean> };
  handle?: { stack?: LayerLike[] };
  rawPath?: string | RegExp | (string | RegExp)[];
}

function pathOf(raw: LayerLike['rawPath']): string {
  if (raw === undefined || raw === '/') return '';
  if (typeof raw === 'string') return raw;
  // A regular expression (the client shell's catch-all) stands for every other path.
  return '*';
}

function walk(stack: LayerLike[], prefix: string, out: RegisteredRoute[]): void {
  for (const layer of stack) {
    if (layer.route) {
      const path = typeof layer.route.path === 'string' ? `${prefix}${layer.route.path}` : '*';
      for (const [method, on] of Object.entries(layer.route.methods)) {
        if (on && method !== '_all') out.push({ method: method.toUpperCase(), path });
      }
    } else if (layer.handle?.stack) {
      const p = pathOf(layer.rawPath);
      walk(layer.handle.stack, p === '*' ? prefix : `${prefix}${p}`, out);
    }
  }
}

export function registeredRoutes(app: express.Express): RegisteredRoute[] {
  const out: RegisteredRoute[] = [];
  walk((app.router as unknown as { stack: LayerLike[] }).stack, '', out);
  // One row per method and path (a path may be registered in two routers).
  return [...new Map(out.map((r) => [`${r.method} ${r.path}`, r])).values()];
}
