// Field tasks move with their incident: each task action is also an incident command, and the
// task's own status follows from it. Kept beside the incident machine so both sides agree.

import type { TaskStatus } from './types.ts';

export const TASK_ACTIONS = ['accept', 'arrive', 'resolve', 'return'] as const;
export type TaskAction = (typeof TASK_ACTIONS)[number];

export const TASK_STATUS_AFTER: Readonly<Record<TaskAction, TaskStatus>> = {
  accept: 'accepted',
  arrive: 'on_scene',
  resolve: 'resolved',
  return: 'returned',
};

/** A task is live while its unit still holds the case. */
export function isTaskOpen(status: TaskStatus): boolean {
  return status === 'assigned' || status === 'accepted' || status === 'on_scene';
}
