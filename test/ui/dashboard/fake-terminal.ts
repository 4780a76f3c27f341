import { EventEmitter } from 'node:events';
import { stripVTControlCharacters } from 'node:util';

/**
 * A terminal of fixed size for the renderer: stdout keeps what was written, stdin takes keys
 * (a TTY, so Ink turns raw mode on and reads them).
 */
export class FakeStdout extends EventEmitter {
  readonly writes: string[] = [];
  isTTY = true;
  constructor(
    public columns = 80,
    public rows = 24,
  ) {
    super();
  }
  write = (chunk: string): boolean => {
    this.writes.push(chunk);
    return true;
  };
  /** Everything written, escape codes removed. */
  text(): string {
    return stripVTControlCharacters(this.writes.join(''));
  }
  asStream(): NodeJS.WriteStream {
    return this as unknown as NodeJS.WriteStream;
  }
}

export class FakeStdin extends EventEmitter {
  isTTY: boolean;
  rawMode = false;
  private data: string | null = null;
  constructor(options: { isTTY?: boolean } = {}) {
    super();
    this.isTTY = options.isTTY ?? true;
  }
  /** A key typed into the terminal. */
  type = (data: string): void => {
    this.data = data;
    this.emit('readable');
    this.emit('data', data);
  };
  read = (): string | null => {
    const { data } = this;
    this.data = null;
    return data;
  };
  setRawMode = (mode: boolean): void => {
    this.rawMode = mode;
  };
  setEncoding(): void {}
  resume(): void {}
  pause(): void {}
  ref(): void {}
  unref(): void {}
  asStream(): NodeJS.ReadStream {
    return this as unknown as NodeJS.ReadStream;
  }
}
