// QueueError: the failures of queued runs and workers (a bad queue URL, Redis gone, no worker, a bad job), each with a stable code.
import {ExitCode, MirrorError, type ExitCodeValue} from '../errors.js'

/** Stable codes, matched by scripts; documented in the README's exit-code table. */
export const QUEUE_CODES = {
  /** The --queue URL is not a redis:// or rediss:// URL. */
  EQUEUEURL: ExitCode.usage,
  /** Redis could not be reached or refused a command past retries. */
  EQUEUE: ExitCode.network,
  /** No worker (or none of the asked vantage) is running to take the jobs. */
  ENOWORKER: ExitCode.noMirror,
  /** A job's data is not a check mirrorkit can run; the job fails, the worker goes on. */
  EJOBPAYLOAD: ExitCode.usage,
  /** A job failed on every attempt; its candidate carries this code instead of a result. */
  EJOBFAILED: ExitCode.network,
  /** A --vantage name is malformed or has no live worker. */
  EVANTAGES: ExitCode.usage,
} as const satisfies Record<string, ExitCodeValue>

export type QueueCode = keyof typeof QUEUE_CODES

export class QueueError extends MirrorError {
  override name = 'QueueError'
  constructor(message: string, code: QueueCode, cause?: unknown) {
    super(message, code, {exitCode: QUEUE_CODES[code], retryable: code === 'EQUEUE' || code === 'ENOWORKER' || code === 'EJOBFAILED', cause})
  }
}
