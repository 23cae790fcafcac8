// The Node side of the emulator: image files from public/images, v86.wasm from node_modules.
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { GuestMachine, type MachineOptions } from '../core/machine/guest-machine.ts';
import { loadGuestImage, type GuestImage } from '../core/machine/image.ts';
import { ImageError } from '../core/errors.ts';

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
export const imageDir = join(repoRoot, 'public/images');
const wasmPath = join(dirname(createRequire(import.meta.url).resolve('v86')), 'v86.wasm');

export async function loadImageFromDisk(dir = imageDir): Promise<GuestImage> {
  return loadGuestImage(async (name) => {
    try {
      const b = await readFile(join(dir, name));
      return b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength) as ArrayBuffer;
    } catch (e) {
      throw new ImageError(`image file ${join(dir, name)}: ${(e as NodeJS.ErrnoException).code ?? e}`);
    }
  });
}

type NodeMachineOptions = Omit<MachineOptions, 'wasmPath'>;

/** Boots the committed image and waits until the guest agent answers. */
export async function bootNodeMachine(opts: NodeMachineOptions = {}, image?: GuestImage): Promise<GuestMachine> {
  const machine = await GuestMachine.boot(image ?? (await loadImageFromDisk()), { ...opts, wasmPath });
  await machine.agent.ready();
  return machine;
}

/** Resumes a saved state of the committed image and waits until the agent answers. */
export async function restoreNodeMachine(state: ArrayBuffer, opts: NodeMachineOptions = {}, image?: GuestImage): Promise<GuestMachine> {
  const machine = await GuestMachine.restore(image ?? (await loadImageFromDisk()), state, { ...opts, wasmPath });
  await machine.agent.ready();
  return machine;
}
