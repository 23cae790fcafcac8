// One host's VPS status, read again and again while anyone listens: the panel and the host tabs
// share it, each asking for its own pace (the poller keeps the fastest asked). Polling waits for
// the host's agent, and stops while the page is hidden.
import { errorMessage } from '../../core/errors.ts';
import type { LabHost } from './lab-host.ts';
import { readVpsStatus, type VpsStatus } from '../../core/vps-status.ts';

export type StatusReport = { statuses: VpsStatus[] } | { error: string };

interface Subscriber {
  listener: (report: StatusReport) => void;
  everyMs: number;
}

export class VpsStatusPoller {
  private readonly _subscribers = new Set<Subscriber>();
  private readonly _onVisibility = (): void => this._visibilityChanged();
  private _latest: StatusReport | undefined;
  private _timer: ReturnType<typeof setTimeout> | undefined;
  private _started = false;
  private _disposed = false;
  private _inFlight: Promise<void> | undefined;
  private _again = false;
  private _afterNext: (() => void)[] = [];

  constructor(private readonly _host: LabHost) {
    document.addEventListener('visibilitychange', this._onVisibility);
    _host.ready.then(
      () => {
        if (this._disposed) return;
        this._started = true;
        if (this._subscribers.size > 0) void this._poll();
      },
      () => {}, // the host's own progress shows a failed boot
    );
  }

  /** The VPS as the last poll found them; undefined before the first, or when it failed. */
  get statuses(): VpsStatus[] | undefined {
    return this._latest && 'statuses' in this._latest ? this._latest.statuses : undefined;
  }

  /**
   * Hear every report, polling at least every `everyMs` between the end of one poll and the start
   * of the next; the latest report comes at once. Returns the unsubscribe function.
   */
  subscribe(listener: (report: StatusReport) => void, everyMs: number): () => void {
    const sub = { listener, everyMs };
    this._subscribers.add(sub);
    if (this._latest) listener(this._latest);
    if (this._started && !this._inFlight) void this._poll();
    return () => {
      this._subscribers.delete(sub);
      if (this._subscribers.size === 0) clearTimeout(this._timer);
    };
  }

  /** Polls now (or right after the poll in flight); resolves once the subscribers heard the result. */
  refresh(): Promise<void> {
    if (!this._started || this._disposed) return Promise.resolve();
    if (!this._inFlight) return this._poll();
    this._again = true;
    return new Promise((resolve) => this._afterNext.push(resolve));
  }

  dispose(): void {
    this._disposed = true;
    clearTimeout(this._timer);
    document.removeEventListener('visibilitychange', this._onVisibility);
    this._subscribers.clear();
    this._afterNext.splice(0).forEach((w) => w());
  }

  private async _poll(): Promise<void> {
    clearTimeout(this._timer);
    const waiters = this._afterNext.splice(0);
    this._inFlight = this._pollOnce();
    await this._inFlight;
    this._inFlight = undefined;
    waiters.forEach((w) => w());
    if (this._disposed) return;
    if (this._again) {
      this._again = false;
      await this._poll();
      return;
    }
    this._schedule();
  }

  private async _pollOnce(): Promise<void> {
    let report: StatusReport;
    try {
      report = { statuses: await readVpsStatus(this._host) };
    } catch (e) {
      report = { error: errorMessage(e) };
    }
    if (this._disposed) return;
    this._latest = report;
    this._subscribers.forEach((s) => s.listener(report));
  }

  private _schedule(): void {
    clearTimeout(this._timer);
    if (this._disposed || document.hidden || this._subscribers.size === 0) return;
    const everyMs = Math.min(...[...this._subscribers].map((s) => s.everyMs));
    this._timer = setTimeout(() => {
      if (!this._inFlight) void this._poll();
    }, everyMs);
  }

  private _visibilityChanged(): void {
    if (!this._started || this._disposed) return;
    if (document.hidden) clearTimeout(this._timer);
    else if (!this._inFlight && this._subscribers.size > 0) void this._poll();
  }
}
