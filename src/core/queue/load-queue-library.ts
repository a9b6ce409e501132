// Loads BullMQ and ioredis on first use through require: both ship CommonJS, and a dynamic import() from the code-cached bundle would print Node's vm ExperimentalWarning into every worker's log.
import {createRequire} from 'node:module'

const load = createRequire(import.meta.url)

export function loadBullmq(): typeof import('bullmq') {
  return load('bullmq') as typeof import('bullmq')
}

export function loadIoredis(): typeof import('ioredis') {
  return load('ioredis') as typeof import('ioredis')
}
