import type { Cache } from '@ballast/cache';
import type { Clock } from '@ballast/core';
import { NotFoundError, ValidationError } from '@ballast/errors';
import { type Batcher, batcher } from '@ballast/resilience';
import { type ApiClient, notFoundAs } from './api-client.js';

interface Course {
  id: string;
  title: string;
  teacher: string;
}
/** A user of the courses API. */
export interface User {
  id: string;
  name: string;
  role: string;
}
interface Assignment {
  id: string;
  title: string;
  due: string;
}
interface Grade {
  student: string;
  assignment: string;
  score: number;
}

/** Lays rows out in aligned columns under a header. */
export function table(header: string[], rows: string[][]): string {
  const widths = header.map((title, i) =>
    Math.max(title.length, ...rows.map((row) => (row[i] ?? '').length)),
  );
  const line = (cells: string[]) =>
    cells
      .map((cell, i) => cell.padEnd(widths[i] ?? 0))
      .join('  ')
      .trimEnd();
  return [line(header), ...rows.map(line)].join('\n');
}

function requireId(args: string[], what: string): string {
  const id = args[0];
  if (id === undefined || !/^[\w-]{1,64}$/.test(id)) {
    throw new ValidationError(`Missing or invalid ${what} id: ${id ?? '(none)'}`, {
      userMessage: `Give a ${what} id.`,
      suggestions: [`Usage: courses ${what === 'user' ? 'user <id>' : `${what} <course-id>`}`],
    });
  }
  return id;
}

/**
 * Users asked for in the same tick go to the API as one `GET /users?ids=a,b,c` (up to 50,
 * ids sorted): a course list with ten teachers costs one call, not ten.
 */
export function usersBatcher(api: ApiClient, clock?: Clock): Batcher<string, User> {
  return batcher<string, User>({
    name: 'courses-users',
    maxBatch: 50,
    ...(clock === undefined ? {} : { clock }),
    run: async (ids) => {
      // Sorted: the same set of users is the same URL (and the same log line), whatever
      // order the lookups of the tick came in.
      const query = [...ids].sort().map(encodeURIComponent).join(',');
      const found = await api.get<User[]>(`/users?ids=${query}`);
      const byId = new Map(found.map((user) => [user.id, user]));
      return ids.map(
        (id) =>
          byId.get(id) ??
          new NotFoundError(`User ${id} does not exist`, {
            userMessage: `User ${id} was not found.`,
            suggestions: ['Check the id: user ids look like u1 (teachers) or s1 (students).'],
          }),
      );
    },
  });
}

/**
 * The data commands: each reads through its data type's cache namespace, then the API;
 * users that are not cached are loaded together through `users` ({@link usersBatcher}).
 */
export function dataCommands(cache: Cache, api: ApiClient, users: Batcher<string, User>) {
  const courses = cache.namespace('courses');
  const assignments = cache.namespace('assignments');
  const grades = cache.namespace('grades');
  const usersCache = cache.namespace('users');
  const user = (id: string) => usersCache.getOrSet<User>(id, () => users.load(id));

  return {
    async list(): Promise<string> {
      const all = await courses.getOrSet<Course[]>('all', ({ signal }) =>
        api.get<Course[]>('/courses', signal),
      );
      const rows = await Promise.all(all.map(async (c) => [c.id, c.title, (await user(c.teacher)).name]));
      return table(['ID', 'TITLE', 'TEACHER'], rows);
    },
    async course(args: string[]): Promise<string> {
      const id = requireId(args, 'course');
      const c = await courses.getOrSet<Course>(id, ({ signal }) =>
        api.get<Course>(`/courses/${id}`, signal).catch(notFoundAs(`Course ${id}`)),
      );
      return `${c.title} (course ${c.id}), taught by ${(await user(c.teacher)).name}`;
    },
    async assignments(args: string[]): Promise<string> {
      const id = requireId(args, 'assignments');
      const list = await assignments.getOrSet<Assignment[]>(id, ({ signal }) =>
        api.get<Assignment[]>(`/courses/${id}/assignments`, signal).catch(notFoundAs(`Course ${id}`)),
      );
      if (list.length === 0) return `No assignments in course ${id}.`;
      return table(
        ['ID', 'TITLE', 'DUE'],
        list.map((a) => [a.id, a.title, a.due]),
      );
    },
    async grades(args: string[]): Promise<string> {
      const id = requireId(args, 'grades');
      const list = await grades.getOrSet<Grade[]>(id, ({ signal }) =>
        api.get<Grade[]>(`/courses/${id}/grades`, signal).catch(notFoundAs(`Course ${id}`)),
      );
      if (list.length === 0) return `No grades in course ${id} yet.`;
      const rows = await Promise.all(
        list.map(async (g) => [(await user(g.student)).name, g.assignment, String(g.score)]),
      );
      return table(['STUDENT', 'ASSIGNMENT', 'SCORE'], rows);
    },
    async user(args: string[]): Promise<string> {
      const u = await user(requireId(args, 'user'));
      return `${u.name} (${u.role}, ${u.id})`;
    },
  };
}
