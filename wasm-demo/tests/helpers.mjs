// Shared by the tests: where the built pieces are, and starting the simulator.
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

import { loadCore } from '../js/hcloud.mjs';
import { startSimulator } from '../serve.mjs';

export const demoRoot = join(dirname(fileURLToPath(import.meta.url)), '..');
export const wasmPath = join(demoRoot, 'pkg', 'hcloud.wasm');

/** The simulator binary: $HCLOUD_SIM, else the workspace's release or debug build. */
export function simulatorPath() {
  const candidates = [
    process.env.HCLOUD_SIM,
    join(demoRoot, '..', 'target', 'release', 'hcloud-sim'),
    join(demoRoot, '..', 'target', 'debug', 'hcloud-sim'),
  ].filter(Boolean);
  const found = candidates.find((path) => existsSync(path));
  if (!found) {
    throw new Error(`no simulator binary (tried ${candidates.join(', ')}); run cargo build -p hcloud-sim --release`);
  }
  return found;
}

export async function loadBuiltCore() {
  if (!existsSync(wasmPath)) throw new Error(`${wasmPath} is missing; run wasm-demo/build.sh`);
  return loadCore(await readFile(wasmPath));
}

/** Starts a simulator; the caller stops it with `stop`. */
export async function simulator(...args) {
  const sim = await startSimulator(simulatorPath(), args);
  return { ...sim, stop: () => stop(sim.child) };
}

/** Stops a child process by its PID and waits until it is gone (at most 5 s). */
export function stop(child) {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(() => (process.kill(child.pid, 'SIGKILL'), resolve()), 5000);
    child.once('exit', () => (clearTimeout(timer), resolve()));
    process.kill(child.pid, 'SIGTERM');
  });
}
