// A growable byte buffer for the per-rank files (rankfile, slurm-hostfile):
// writing ASCII digits and pre-encoded host names straight into bytes is
// several times faster than building a million strings and joining them.

const encoder = new TextEncoder();

export class ByteLines {
  private buf: Uint8Array;
  private pos = 0;

  constructor(sizeHint: number) {
    this.buf = new Uint8Array(Math.max(64, sizeHint));
  }

  static encode(text: string): Uint8Array {
    return encoder.encode(text);
  }

  private room(n: number): void {
    if (this.pos + n <= this.buf.length) return;
    const next = new Uint8Array(Math.max(this.buf.length * 2, this.pos + n));
    next.set(this.buf.subarray(0, this.pos));
    this.buf = next;
  }

  bytes(b: Uint8Array): void {
    this.room(b.length);
    this.buf.set(b, this.pos);
    this.pos += b.length;
  }

  /** A non-negative integer in decimal. */
  int(n: number): void {
    this.room(16);
    if (n === 0) {
      this.buf[this.pos++] = 48;
      return;
    }
    let digits = 0;
    for (let v = n; v > 0; v = Math.floor(v / 10)) digits += 1;
    let at = this.pos + digits - 1;
    for (let v = n; v > 0; v = Math.floor(v / 10)) this.buf[at--] = 48 + (v % 10);
    this.pos += digits;
  }

  result(): Uint8Array {
    return this.buf.subarray(0, this.pos);
  }
}

export function decode(bytes: Uint8Array): string {
  return new TextDecoder().decode(bytes);
}
