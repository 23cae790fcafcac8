// The last N samples of one figure, oldest first, for a sparkline. DOM-free.

export class SampleHistory {
  private readonly _values: number[] = [];

  constructor(readonly capacity = 60) {
    if (!Number.isInteger(capacity) || capacity < 2) throw new RangeError(`a history keeps at least 2 samples, got ${capacity}`);
  }

  push(value: number): void {
    this._values.push(value);
    if (this._values.length > this.capacity) this._values.splice(0, this._values.length - this.capacity);
  }

  clear(): void {
    this._values.length = 0;
  }

  get values(): readonly number[] {
    return this._values;
  }
}
