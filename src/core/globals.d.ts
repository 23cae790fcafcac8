// The host globals core code uses, and only those: browsers, workers and Node all provide them, so
// core compiles without lib DOM, lib WebWorker or Node's types, and anything else is an error here.
// Shapes are cut down to what core calls.

declare class TextEncoder {
  encode(input?: string): Uint8Array<ArrayBuffer>;
}

declare class TextDecoder {
  constructor(label?: string, options?: { fatal?: boolean });
  decode(input?: ArrayBuffer | ArrayBufferView): string;
}

/** A timer's handle: a number in browsers, an object in Node; core only hands it back to clearTimeout. */
type TimerHandle = unknown;
declare function setTimeout(handler: () => void, ms?: number): TimerHandle;
declare function clearTimeout(handle: TimerHandle): void;
declare function queueMicrotask(callback: () => void): void;

declare const crypto: {
  readonly subtle: { digest(algorithm: 'SHA-256', data: ArrayBuffer | ArrayBufferView<ArrayBuffer>): Promise<ArrayBuffer> };
  getRandomValues<T extends Uint8Array>(array: T): T;
};

interface ReadableStream<R> {
  pipeThrough<T>(transform: { readable: ReadableStream<T>; writable: unknown }): ReadableStream<T>;
}

declare class Blob {
  constructor(parts: readonly (ArrayBuffer | ArrayBufferView<ArrayBuffer>)[]);
  stream(): ReadableStream<Uint8Array<ArrayBuffer>>;
}

declare class CompressionStream {
  constructor(format: 'gzip');
  readonly readable: ReadableStream<Uint8Array<ArrayBuffer>>;
  readonly writable: unknown;
}

declare class DecompressionStream {
  constructor(format: 'gzip');
  readonly readable: ReadableStream<Uint8Array<ArrayBuffer>>;
  readonly writable: unknown;
}

declare class Response {
  constructor(body: ReadableStream<Uint8Array<ArrayBuffer>>);
  arrayBuffer(): Promise<ArrayBuffer>;
}

declare namespace WebAssembly {
  interface Module {}
  interface Instance {
    readonly exports: Record<string, unknown>;
  }
  type Imports = Record<string, Record<string, unknown>>;
  function instantiate(module: Module, imports?: Imports): Promise<Instance>;
}
