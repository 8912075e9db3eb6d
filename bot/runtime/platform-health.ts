import type { Logger } from 'pino';
import { Gauge, type Registry } from 'prom-client';

interface State {
  up: boolean;
  error?: string;
  failures: number;
}

/**
 * Whether each platform's API answers, as the adapters last saw it (a failed poll or call marks it
 * down, the next success up). /readyz answers 503 naming the platforms that are down; /metrics has
 * `pulse_platform_up{platform}`. Transitions are logged once, not per retry.
 */
export class PlatformHealth {
  private readonly states = new Map<string, State>();
  private readonly gauge: Gauge<'platform'>;

  constructor(
    registry: Registry,
    private readonly logger: Logger,
  ) {
    this.gauge = new Gauge({
      name: 'pulse_platform_up',
      help: '1 when the platform API answered the last call, 0 while it fails',
      labelNames: ['platform'],
      registers: [registry],
    });
  }

  up(platform: string): void {
    const state = this.states.get(platform);
    if (state && !state.up)
      this.logger.info({ platform, failures: state.failures }, 'platform reachable again');
    this.states.set(platform, { up: true, failures: 0 });
    this.gauge.set({ platform }, 1);
  }

  down(platform: string, error: unknown): void {
    const state = this.states.get(platform);
    const message = error instanceof Error ? error.message : String(error);
    if (!state || state.up)
      this.logger.warn({ platform, err: error }, 'platform unreachable, retrying with backoff');
    this.states.set(platform, { up: false, error: message, failures: (state?.failures ?? 0) + 1 });
    this.gauge.set({ platform }, 0);
  }

  /** Each named platform's connection as /readyz shows it: `up`, or `down: <last error>`. */
  snapshot(platforms: string[]): Record<string, string> {
    const result: Record<string, string> = {};
    for (const platform of platforms) {
      const state = this.states.get(platform);
      result[platform] = !state || state.up ? 'up' : `down: ${state.error}`;
    }
    return result;
  }

  /** Throws naming every platform that is down. */
  check(): void {
    const down = [...this.states].filter(([, state]) => !state.up);
    if (down.length > 0) {
      throw new Error(down.map(([platform, state]) => `${platform} unreachable: ${state.error}`).join('; '));
    }
  }
}
