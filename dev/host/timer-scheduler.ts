// Runs one timer-triggered function on its six-field NCRONTAB schedule ({second} {minute} {hour}
// {day} {month} {day-of-week}, in UTC as the host uses unless WEBSITE_TIME_ZONE is set), with
// `%SETTING%` schedules resolved from app settings and `runOnStartup`. Runs of one timer never
// overlap: the next occurrence is computed only after a run ends, and occurrences missed meanwhile
// collapse into one late run flagged isPastDue, like the host's singleton timer.
// (Microsoft Learn, "Timer trigger for Azure Functions": NCRONTAB expressions, runOnStartup.)
import type { Timer } from '@azure/functions';
import { CronExpressionParser } from 'cron-parser';
import { formatLogLine } from '../../shared/adapters/logging/logger.js';
import type { TimerFunctionDefinition } from '../../shared/app/function-definitions.js';
import { createInvocationContext, type LineSink } from './invocation-context.js';
import { sleep } from './sleep.js';

/** Longest single setTimeout (Node caps delays at 2^31-1 ms); longer waits loop. */
const MAX_SLEEP_MS = 3_600_000;
/** A run later than this after its occurrence is reported as past due. */
const PAST_DUE_AFTER_MS = 1_000;

export function resolveSchedule(schedule: string, env: Record<string, string | undefined>): string {
  const setting = /^%([^%]+)%$/.exec(schedule.trim());
  if (!setting) return schedule.trim();
  const name = setting[1] ?? '';
  const value = env[name]?.trim();
  if (!value) throw new Error(`timer schedule refers to app setting ${name}, which is not set`);
  return value;
}

/** The next occurrence strictly after `after`, for a six-field NCRONTAB expression. */
export function nextOccurrence(expression: string, after: Date): Date {
  const fields = expression.split(/\s+/).filter((field) => field !== '');
  if (fields.length !== 6) {
    throw new Error(`timer schedule "${expression}" must have six fields (NCRONTAB with seconds)`);
  }
  return CronExpressionParser.parse(expression, { currentDate: after, tz: 'UTC' }).next().toDate();
}

export interface TimerSchedulerOptions {
  definition: TimerFunctionDefinition;
  env: Record<string, string | undefined>;
  sink: LineSink;
}

export interface RunningTimer {
  /** Cancels the next occurrence and waits for a run in progress. */
  stop(): Promise<void>;
}

export function startTimerScheduler(options: TimerSchedulerOptions): RunningTimer {
  const { definition, sink } = options;
  // Resolve and validate before anything runs, so a bad schedule fails start-up loudly.
  const expression = resolveSchedule(definition.schedule, options.env);
  nextOccurrence(expression, new Date());

  const abort = new AbortController();
  let last = new Date();

  async function invoke(scheduledFor: Date, isPastDue: boolean): Promise<void> {
    const now = new Date();
    const timer: Timer = {
      isPastDue,
      schedule: { adjustForDST: true },
      scheduleStatus: {
        last: last.toISOString(),
        next: nextOccurrence(expression, now).toISOString(),
        lastUpdated: now.toISOString(),
      },
    };
    last = scheduledFor;
    const context = createInvocationContext({ functionName: definition.name, triggerType: 'timerTrigger', sink });
    try {
      await definition.handler(timer, context);
    } catch (error) {
      // The host logs a failed timer run and waits for the next occurrence; no retry.
      context.error(formatLogLine('local_host.timer_handler_failed', { error }));
    }
  }

  async function loop(): Promise<void> {
    if (definition.runOnStartup && !abort.signal.aborted) await invoke(new Date(), false);
    while (!abort.signal.aborted) {
      const due = nextOccurrence(expression, new Date());
      while (!abort.signal.aborted && Date.now() < due.getTime()) {
        await sleep(Math.min(due.getTime() - Date.now(), MAX_SLEEP_MS), abort.signal);
      }
      if (abort.signal.aborted) break;
      await invoke(due, Date.now() - due.getTime() > PAST_DUE_AFTER_MS);
    }
  }

  const running = loop().catch((error: unknown) =>
    sink(formatLogLine('local_host.timer_failed', { function: definition.name, error })),
  );
  return {
    async stop() {
      abort.abort();
      await running;
    },
  };
}
