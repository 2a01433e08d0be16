import { EventEmitter } from 'node:events';

/** One printed line and when (RFC 3339 with nanoseconds, as a container runtime stamps it). */
export interface SimLine { ts: string; line: string }

const now = () => new Date().toISOString().replace('Z', '000000Z');

/**
 * What the simulated containers printed, per `namespace/pod/container`, line by line with the time
 * each was printed, and who follows it: the kubelet endpoint answers `follow=true` by writing new
 * output as it is appended, `timestamps=true` and `sinceTime` as a real kubelet does.
 */
export class SimLogs {
  private readonly lines = new Map<string, SimLine[]>();
  private readonly appended = new EventEmitter().setMaxListeners(0);

  get(key: string): SimLine[] | undefined { return this.lines.get(key); }

  /** Replaces what a container printed (a start, or a finished program's whole output). */
  set(key: string, text: string): void {
    const ts = now();
    const lines = text.split('\n');
    if (lines.at(-1) === '') lines.pop();
    this.lines.set(key, lines.map((line) => ({ ts, line })));
    for (const l of this.lines.get(key)!) this.appended.emit(key, l);
  }

  append(key: string, line: string): void {
    const l = { ts: now(), line };
    const list = this.lines.get(key) ?? [];
    list.push(l);
    this.lines.set(key, list);
    this.appended.emit(key, l);
  }

  /** Calls `onLine` with each line appended from now on, until the returned function is called. */
  follow(key: string, onLine: (l: SimLine) => void): () => void {
    this.appended.on(key, onLine);
    return () => this.appended.off(key, onLine);
  }
}
