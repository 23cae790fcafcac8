declare module 'virtual:v86-wasm-gzip' {
  /** URL of v86.wasm, gzip'd (build-tools/gzipped-v86-wasm.ts). */
  const url: string;
  export default url;
}
