// The names mirrorkit uses in Redis: BullMQ queues, the frozen-plan keys, per-host leases and vantage heartbeats.
import {QueueError} from './queue-error.js'

/** BullMQ's key prefix; every key mirrorkit writes starts with it, so one Redis can be shared and cleaned by prefix. */
export const PREFIX = 'mirrorkit'

/** Verify checks run anywhere: the bytes a mirror serves do not depend on who asks. */
export const VERIFY_QUEUE = 'verify'
/** Parents of flows: they wait for their checks, then gather the results once. */
export const COLLECT_QUEUE = 'collect'
/** Repeatable rounds registered by `mirrorkit schedule`. */
export const ROUNDS_QUEUE = 'rounds'

const VANTAGE = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/

/** Checks a vantage name: it becomes part of a queue name, so it is kept to a safe alphabet. */
export function checkVantage(name: string): string {
  if (!VANTAGE.test(name)) throw new QueueError(`bad vantage name "${name}": use letters, digits, '.', '_' or '-' (at most 64)`, 'EVANTAGES')
  return name
}

/** Rank checks run where the vantage is: speed depends on where it is measured from. */
export function rankQueue(vantage: string): string {
  return `rank.${checkVantage(vantage)}`
}

export const planKey = (runId: string) => `${PREFIX}:plan:${runId}`
export const hostKey = (host: string) => `${PREFIX}:host:${host}`
export const vantageKey = (vantage: string, workerId: string) => `${PREFIX}:vantage:${vantage}:${workerId}`
export const VANTAGE_PATTERN = `${PREFIX}:vantage:*`
