/** Keeps the last `limit` bytes written to it (a learner's stdout or stderr). */
export class TailBuffer {
  private chunks: Buffer[] = [];
  private size = 0;
  total = 0;
  constructor(readonly limit = 4096) {}

  push(chunk: Buffer): void {
    this.total += chunk.length;
    this.chunks.push(chunk);
    this.size += chunk.length;
    while (this.chunks.length > 1 && this.size - (this.chunks[0] as Buffer).length >= this.limit) {
      this.size -= (this.chunks.shift() as Buffer).length;
    }
  }

  /** The kept bytes as UTF-8 text, starting at a character boundary. */
  text(): string {
    let buf = Buffer.concat(this.chunks);
    if (buf.length > this.limit) buf = buf.subarray(buf.length - this.limit);
    // Skip UTF-8 continuation bytes left at the start by the cut.
    let s = 0;
    while (s < buf.length && s < 4 && ((buf[s] as number) & 0xc0) === 0x80) s++;
    return buf.subarray(s).toString('utf8');
  }
}

/** The last `n` lines of a text, for an error message (the whole tail stays in the error details). */
export function lastLines(text: string, n: number, maxChars = 1200): string {
  const lines = text.replace(/\s+$/, '').split('\n');
  let out = lines.slice(-n).join('\n');
  if (out.length > maxChars) out = '…' + out.slice(out.length - maxChars);
  return out;
}
