import { defineConfig } from 'vitest/config';
import { gzipFilesAsBytes } from './build-tools/gzip-files-as-bytes.ts';
import { gzippedV86Wasm } from './build-tools/gzipped-v86-wasm.ts';

export default defineConfig({
  // Relative asset URLs: the built site works from any static host and any sub-path.
  base: './',
  // Top level for `vite` (dev: workers go through the main pipeline, and the plugin serves the
  // file), and for the worker bundle in `vite build`.
  plugins: [gzippedV86Wasm(), gzipFilesAsBytes()],
  worker: { format: 'es', plugins: () => [gzippedV86Wasm()] },
  build: { target: 'es2022' },
  test: {
    projects: [
      {
        extends: true,
        test: {
          name: 'unit',
          include: ['src/**/*.test.ts'],
          environment: 'node',
        },
      },
      {
        extends: true,
        test: {
          name: 'guest',
          include: ['images/tests/**/*.test.ts'],
          environment: 'node',
          globalSetup: ['images/tests/boot-once.ts'],
          testTimeout: 120_000,
          hookTimeout: 180_000,
        },
      },
    ],
  },
});
