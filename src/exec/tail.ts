// Follows a file as another process writes it (tail -f): each pump copies
// what was appended since the last one. A file that does not exist yet is
// not an error (it appears when the job starts); one that shrank was
// truncated or replaced, and is read again from its start.

import { type FileHandle, open } from 'node:fs/promises';
import type { Writable } from '../deps.js';

const CHUNK = 64 * 1024;

export class FileTail {
  private handle: FileHandle | undefined;
  private offset = 0;
  private readonly buffer = Buffer.alloc(CHUNK);

  constructor(readonly path: string) {}

  /** Copies every byte appended since the last pump to `sink`; returns how many. */
  async pump(sink: Writable): Promise<number> {
    if (!this.handle) {
      try {
        this.handle = await open(this.path, 'r');
      } catch {
        return 0; // not there yet, or not readable: try again on the next pump
      }
    }
    const { size } = await this.handle.stat();
    if (size < this.offset) this.offset = 0;
    let copied = 0;
    for (;;) {
      const { bytesRead } = await this.handle.read(this.buffer, 0, CHUNK, this.offset);
      if (bytesRead === 0) return copied;
      // The buffer is reused: hand the sink a copy.
      sink.write(Buffer.from(this.buffer.subarray(0, bytesRead)));
      this.offset += bytesRead;
      copied += bytesRead;
    }
  }

  async close(): Promise<void> {
    await this.handle?.close();
    this.handle = undefined;
  }
}
