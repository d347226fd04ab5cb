/**
 * A job's cron schedule and its systemd calendar form: systemd itself (`systemd-analyze calendar`,
 * Debian's systemd 252 on this machine) computes the timer's next runs, and they must be the
 * instants the cron schedule names, found minute by minute in the schedule's time zone.
 */
import { execFileSync } from 'node:child_process';
import { CronSchedule, onCalendar, parseCron } from '../../config/cron';

const BASE = Date.UTC(2026, 11, 7, 0, 0, 0);

const formats = new Map<string, Intl.DateTimeFormat>();

/** The local minute, hour, day, month and weekday of `time` in `timeZone`. */
function localFields(time: number, timeZone: string): { minute: number; hour: number; day: number; month: number; weekday: number } {
  let format = formats.get(timeZone);
  if (!format) {
    format = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      minute: 'numeric',
      hour: 'numeric',
      day: 'numeric',
      month: 'numeric',
      weekday: 'short',
    });
    formats.set(timeZone, format);
  }
  const parts = Object.fromEntries(format.formatToParts(new Date(time)).map((p) => [p.type, p.value]));
  return {
    minute: Number(parts.minute),
    hour: Number(parts.hour),
    day: Number(parts.day),
    month: Number(parts.month),
    weekday: ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'].indexOf(parts.weekday),
  };
}

/** The next `count` instants after BASE at which `schedule` fires in `timeZone`, minute by minute. */
function cronRuns(schedule: CronSchedule, timeZone: string, count: number): string[] {
  const runs: string[] = [];
  const has = (values: readonly number[] | undefined, value: number) => values === undefined || values.includes(value);
  // Strictly after BASE, as systemd's next elapse.
  for (let t = BASE + 60_000; runs.length < count && t < BASE + 400 * 86_400_000; t += 60_000) {
    const f = localFields(t, timeZone);
    if (
      has(schedule.minutes, f.minute) &&
      has(schedule.hours, f.hour) &&
      has(schedule.daysOfMonth, f.day) &&
      has(schedule.months, f.month) &&
      has(schedule.daysOfWeek, f.weekday)
    ) {
      runs.push(new Date(t).toISOString().replace('T', ' ').replace(':00.000Z', ':00 UTC'));
    }
  }
  return runs;
}

/** What systemd says the timer's next `count` runs are. */
function systemdRuns(expression: string, count: number): string[] {
  const output = execFileSync('systemd-analyze', ['calendar', `--iterations=${count}`, `--base-time=@${BASE / 1000}`, expression], {
    encoding: 'utf8',
    env: { ...process.env, TZ: 'UTC' },
  });
  return [...output.matchAll(/(?:Next elapse|Iter\. #\d+): \w{3} (\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}) UTC/g)].map((m) => `${m[1]} UTC`);
}

describe('cron schedules as systemd timers', () => {
  const cases: Array<[string, string]> = [
    ['30 3 * * *', 'Europe/Berlin'],
    ['*/15 * * * *', 'UTC'],
    ['0 9-17/2 * * 1-5', 'America/New_York'],
    ['5,35 0 1 */2 *', 'UTC'],
    ['0 12 * * 0,7', 'Asia/Tokyo'],
    ['45 23 28-31 * *', 'Australia/Sydney'],
  ];
  for (const [cron, zone] of cases) {
    it(`fires "${cron}" (${zone}) at the same instants`, () => {
      const { schedule, problems } = parseCron(cron);
      expect(problems).toEqual([]);
      const expression = onCalendar(schedule!, zone);
      const expected = cronRuns(schedule!, zone, 6);
      expect(expected).toHaveLength(6);
      expect(systemdRuns(expression, 6)).toEqual(expected);
    });
  }

  it('renders every field as an explicit list', () => {
    expect(onCalendar(parseCron('0 9-17/4 * * 1-5').schedule!, 'UTC')).toBe('Mon,Tue,Wed,Thu,Fri *-*-* 09,13,17:00:00 UTC');
  });
});
