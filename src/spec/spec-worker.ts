import { parentPort } from 'node:worker_threads';
import { buildSpecIndex } from './resource-spec.js';

// Loads the resource specification off the main thread (see `loadResourceSpecInBackground`) and
// sends back only the index; the database itself dies with the worker.
parentPort?.postMessage(await buildSpecIndex());
