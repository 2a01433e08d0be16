import { EventEmitter } from 'node:events';

/**
 * What the simulated containers printed, per `namespace/pod/container`, and who follows it: the
 * kubelet endpoint answers `follow=true` by writing new output as it is appended, as a real
 * kubelet streams a container's log.
 */
export class SimLogs {
  private readonly text = new Map<string, string>();
  private readonly appended = new EventEmitter().setMaxListeners(0);

  get(key: string): string | undefined { return this.text.get(key); }

  set(key: string, text: string): void {
    this.text.set(key, text);
    this.appended.emit(key, text);
  }

  append(key: string, line: string): void {
    const chunk = `${line}\n`;
    this.text.set(key, (this.text.get(key) ?? '') + chunk);
    this.appended.emit(key, chunk);
  }

  /** Calls `onText` with each chunk appended from now on, until the returned function is called. */
  follow(key: string, onText: (chunk: string) => void): () => void {
    this.appended.on(key, onText);
    return () => this.appended.off(key, onText);
  }
}
