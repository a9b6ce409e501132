// QueueError: the failures of queued runs and workers (a bad queue URL, Redis gone, no worker, a bad job); codes and exit codes come from the catalogue.
import {MirrorError} from '../errors.js'

export type QueueCode = 'EQUEUEURL' | 'EQUEUE' | 'ENOWORKER' | 'EJOBPAYLOAD' | 'EJOBFAILED' | 'EVANTAGES'

export class QueueError extends MirrorError {
  override name = 'QueueError'
  constructor(message: string, code: QueueCode, cause?: unknown) {
    super(message, code, {cause})
  }
}
