import type { Role } from '../../shared/domain/types.ts';

/** Where each role lands after signing in. The workspaces other than the screen come later. */
export function homeOf(role: Role): string {
  switch (role) {
    case 'dispatcher':
      return '/dispatch';
    case 'officer':
      return '/field';
    case 'supervisor':
      return '/supervise';
    case 'admin':
    case 'auditor':
      return '/admin';
    default:
      return '/screen';
  }
}
