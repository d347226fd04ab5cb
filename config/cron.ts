/**
 * A job's `schedule`: a five-field cron expression (minute hour day-of-month month day-of-week),
 * as a Kubernetes CronJob takes it, checked field by field, and the same schedule as a systemd
 * `OnCalendar=` expression for the host's timer (`services/host-timers.ts`). Every field becomes
 * an explicit list of values, so the two render the same instants whatever the two syntaxes'
 * corner cases. Numbers only (no `JAN`, `MON`, `@daily`, `L`, `W`, `?`): they are what both
 * engines read alike.
 */

/** One field of a cron expression: its name and range. */
interface CronField {
  readonly name: string;
  readonly min: number;
  readonly max: number;
}

export const CRON_FIELDS: readonly CronField[] = [
  { name: 'minute', min: 0, max: 59 },
  { name: 'hour', min: 0, max: 23 },
  { name: 'day of month', min: 1, max: 31 },
  { name: 'month', min: 1, max: 12 },
  // 7 is Sunday too, as cron reads it.
  { name: 'day of week', min: 0, max: 7 },
];

/** A parsed schedule: each field's values, `undefined` for `*` (every value). */
export interface CronSchedule {
  readonly minutes?: readonly number[];
  readonly hours?: readonly number[];
  readonly daysOfMonth?: readonly number[];
  readonly months?: readonly number[];
  /** 0 = Sunday … 6 = Saturday (7 is read as 0). */
  readonly daysOfWeek?: readonly number[];
}

const PART = /^(\*|(\d{1,2})(-(\d{1,2}))?)(\/(\d{1,2}))?$/;

/** The values of one field, or the reason it is not one. `*` alone is undefined (every value). */
function fieldValues(text: string, field: CronField): { values?: number[]; problem?: string } {
  if (text === '*') return {};
  const values = new Set<number>();
  for (const part of text.split(',')) {
    const match = PART.exec(part);
    if (!match) return { problem: `${field.name} "${text}" is not a cron field (numbers, *, lists a,b, ranges a-b and steps */n or a-b/n)` };
    const start = match[1] === '*' ? field.min : Number(match[2]);
    const end = match[1] === '*' ? field.max : match[4] !== undefined ? Number(match[4]) : match[6] !== undefined ? field.max : start;
    const step = match[6] !== undefined ? Number(match[6]) : 1;
    for (const n of [start, end]) {
      if (n < field.min || n > field.max) return { problem: `${field.name} ${n} is out of range; allowed: ${field.min}–${field.max}` };
    }
    if (start > end) return { problem: `${field.name} range ${start}-${end} runs backwards; allowed: a-b with a ≤ b` };
    if (step < 1) return { problem: `${field.name} step /${step} must be at least 1` };
    for (let n = start; n <= end; n += step) values.add(n);
  }
  return { values: [...values].sort((a, b) => a - b) };
}

/** The schedule of a cron expression, or every problem of it. */
export function parseCron(expression: string): { schedule?: CronSchedule; problems: string[] } {
  const fields = expression.trim().split(/\s+/);
  if (fields.length !== 5 || expression.trim() === '') {
    return {
      problems: [
        `"${expression}" has ${expression.trim() === '' ? 0 : fields.length} fields; a schedule has 5: minute hour day-of-month month day-of-week (e.g. "0 3 * * *")`,
      ],
    };
  }
  const problems: string[] = [];
  const parsed = fields.map((text, i) => {
    const result = fieldValues(text, CRON_FIELDS[i]);
    if (result.problem) problems.push(result.problem);
    return result.values;
  });
  if (problems.length > 0) return { problems };
  const [minutes, hours, daysOfMonth, months, daysOfWeekRaw] = parsed;
  // cron runs when either day field matches if both are restricted; systemd when both match.
  if (daysOfMonth && daysOfWeekRaw) {
    return {
      problems: [
        `"${expression}" restricts both the day of month and the day of week, which cron reads as either and a host's timer as both; restrict one of them`,
      ],
    };
  }
  const daysOfWeek = daysOfWeekRaw ? [...new Set(daysOfWeekRaw.map((d) => d % 7))].sort((a, b) => a - b) : undefined;
  return { schedule: { minutes, hours, daysOfMonth, months, daysOfWeek }, problems: [] };
}

const WEEKDAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'] as const;

const list = (values: readonly number[] | undefined, width: number) => (values ? values.map((v) => String(v).padStart(width, '0')).join(',') : '*');

/**
 * The systemd calendar expression of a schedule: `[weekdays ]*-months-days hours:minutes:00[ zone]`,
 * e.g. `*-*-* 03:00:00 Europe/Berlin`. `timeZone` must be a validated IANA name.
 */
export function onCalendar(schedule: CronSchedule, timeZone?: string): string {
  const weekdays = schedule.daysOfWeek ? `${schedule.daysOfWeek.map((d) => WEEKDAYS[d]).join(',')} ` : '';
  const date = `*-${list(schedule.months, 2)}-${list(schedule.daysOfMonth, 2)}`;
  const time = `${list(schedule.hours, 2)}:${list(schedule.minutes, 2)}:00`;
  return `${weekdays}${date} ${time}${timeZone ? ` ${timeZone}` : ''}`;
}

/** The IANA time zones this runtime knows (and UTC), for `timeZone`. */
export function isTimeZone(name: string): boolean {
  if (name === 'UTC' || name === 'Etc/UTC') return true;
  return (Intl.supportedValuesOf('timeZone') as readonly string[]).includes(name);
}
