// A byte stream cut into lines at "\n", whatever pieces it arrives in. A line longer than the limit
// is not kept: it is reported as too long when its "\n" comes, and the next line starts clean.

/** Buffers above this are dropped after their line, so one long line does not pin its memory. */
const KEEP_BYTES = 1024 * 1024;

export class LineReassembler {
  private _buf = new Uint8Array(4096);
  private _len = 0;
  private _overlong = false;

  /**
   * @param _onLine each line without its "\n" (a view, valid only during the call: copy or decode
   *   it first, since the handler may push more bytes), or null for a line over maxLineBytes.
   */
  constructor(
    private readonly _maxLineBytes: number,
    private readonly _onLine: (line: Uint8Array | null) => void,
  ) {}

  /** True while part of a line has come in and its "\n" has not. */
  get partial(): boolean {
    return this._len > 0;
  }

  push(bytes: Uint8Array): void {
    let start = 0;
    while (start < bytes.length) {
      const nl = bytes.indexOf(10, start);
      const end = nl < 0 ? bytes.length : nl;
      this._append(bytes, start, end);
      if (nl < 0) break;
      this._endLine();
      start = nl + 1;
    }
  }

  /** Forget the partial line and free the buffer. */
  clear(): void {
    this._buf = new Uint8Array(0);
    this._len = 0;
    this._overlong = false;
  }

  private _grow(need: number): void {
    let cap = Math.max(this._buf.length * 2, 4096);
    while (cap < need) cap *= 2;
    const b = new Uint8Array(Math.min(cap, this._maxLineBytes));
    b.set(this._buf.subarray(0, this._len));
    this._buf = b;
  }

  private _append(bytes: Uint8Array, start: number, end: number): void {
    if (this._overlong || end === start) return;
    const need = this._len + (end - start);
    if (need > this._maxLineBytes) {
      this._overlong = true;
      return;
    }
    if (need > this._buf.length) this._grow(need);
    this._buf.set(bytes.subarray(start, end), this._len);
    this._len = need;
  }

  private _endLine(): void {
    const overlong = this._overlong;
    this._overlong = false;
    const line = this._buf.subarray(0, this._len);
    this._len = 0;
    if (this._buf.length > KEEP_BYTES) this._buf = new Uint8Array(4096);
    this._onLine(overlong ? null : line);
  }
}
