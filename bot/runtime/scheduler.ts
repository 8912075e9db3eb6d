import cron, { type ScheduledTask } from 'node-cron';
import type { Logger } from 'pino';
import type { Clock } from '../kernel/types';

/**
 * A job reads what is due from the database and claims it there; node-cron only decides
 * when to look. Tests call `runAll(now)` with a fake clock instead of waiting for ticks.
 */
export interface Job {
  name: string;
  /** node-cron pattern (with seconds allowed), evaluated in the configured time zone. */
  cron: string;
  run(now: Date): Promise<void>;
}

export class Scheduler {
  private readonly jobs: Job[] = [];
  private readonly tasks: ScheduledTask[] = [];
  private starting: NodeJS.Immediate | undefined;
  private stopped = false;
  /** Runs in progress, with their job's name (the stop deadline names what it waited on). */
  private readonly running = new Map<Promise<void>, string>();

  constructor(
    private readonly options: {
      clock: Clock;
      logger: Logger;
      timezone: string;
      /** Told of each ticked run: how late it started after its scheduled moment, and how long it took. */
      onRun?: (job: string, lagMs: number, durationMs: number) => void;
    },
  ) {}

  add(job: Job): void {
    if (!cron.validate(job.cron)) throw new Error(`Job ${job.name}: invalid cron "${job.cron}"`);
    this.jobs.push(job);
  }

  /**
   * Starts the ticks, one job per turn of the event loop: node-cron spends a few milliseconds on
   * each (time-zone formatters), and a burst of them right after start-up would hold back the first
   * requests.
   */
  start(): void {
    this.stopped = false;
    const scheduleFrom = (index: number) => {
      this.starting = undefined;
      const job = this.jobs[index];
      if (this.stopped || !job) return;
      const task = cron.schedule(job.cron, (context) => this.runTicked(job, context?.date), {
        timezone: this.options.timezone,
        name: job.name,
        noOverlap: true,
      });
      this.tasks.push(task);
      this.starting = setImmediate(() => scheduleFrom(index + 1));
    };
    scheduleFrom(0);
  }

  /**
   * Runs every job once, one after the other. Each waits for the event loop's next turn first, so
   * that HTTP requests (a readiness probe, a webhook) are answered between jobs, not after all of
   * them: at start-up the catch-up run would otherwise hold the process for a second or more.
   */
  async runAll(now = this.options.clock.now()): Promise<void> {
    for (const job of this.jobs) {
      await new Promise((resolve) => setImmediate(resolve));
      await this.runOne(job, now);
    }
  }

  /** The names of the jobs running now. */
  runningJobs(): string[] {
    return [...this.running.values()];
  }

  /** Stops the ticks and waits for the jobs in progress. */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.starting) clearImmediate(this.starting);
    this.starting = undefined;
    for (const task of this.tasks) await task.destroy();
    this.tasks.length = 0;
    await Promise.allSettled([...this.running.keys()]);
  }

  private runTicked(job: Job, scheduled: Date | undefined): Promise<void> {
    const started = Date.now();
    const lagMs = scheduled ? Math.max(0, started - scheduled.getTime()) : 0;
    return this.runOne(job).finally(() => this.options.onRun?.(job.name, lagMs, Date.now() - started));
  }

  private runOne(job: Job, now = this.options.clock.now()): Promise<void> {
    const run: Promise<void> = job
      .run(now)
      .catch((error) => this.options.logger.error({ err: error, job: job.name }, 'scheduled job failed'))
      .finally(() => {
        this.running.delete(run);
      });
    this.running.set(run, job.name);
    return run;
  }
}
