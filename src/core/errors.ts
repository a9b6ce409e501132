// The one error type of mirrorkit: a stable code from the catalogue, whether a retry may help, and the process exit code.
import {ERROR_CODES, ExitCode, type ErrorCode, type ExitCodeValue} from './error-codes.js'

export type MirrorErrorOptions = {
  /** Only for codes whose catalogue entry says 'depends'; otherwise the catalogue decides. */
  retryable?: boolean
  cause?: unknown
  /** Seconds a server asked us to wait (Retry-After), when it did. */
  retryAfter?: number
}

/** Every error mirrorkit raises on purpose: `code` is stable and safe for scripts to match. */
export class MirrorError extends Error {
  override name = 'MirrorError'
  readonly code: ErrorCode
  readonly retryable: boolean
  /** From the catalogue, so one code always ends a run the same way. */
  readonly exitCode: ExitCodeValue
  readonly retryAfter?: number

  constructor(message: string, code: ErrorCode, options: MirrorErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : {cause: options.cause})
    const entry = ERROR_CODES[code]
    this.code = code
    this.retryable = options.retryable ?? entry.retryable === true
    this.exitCode = entry.exitCode ?? ExitCode.internal
    if (options.retryAfter !== undefined) this.retryAfter = options.retryAfter
  }
}

/** Bad input from the user: a flag, a URL, a file they named. */
export class UsageError extends MirrorError {
  override name = 'UsageError'
  constructor(message: string, code: ErrorCode = 'EUSAGE', cause?: unknown) {
    super(message, code, {cause})
  }
}

/** A transfer or protocol failure talking to one mirror. */
export class TransportError extends MirrorError {
  override name = 'TransportError'
}

/** Bytes that are not the bytes of the target. */
export class IntegrityError extends MirrorError {
  override name = 'IntegrityError'
  constructor(message: string, code: ErrorCode = 'EINTEGRITY', cause?: unknown) {
    super(message, code, {cause})
  }
}

/** Local file-system failure while writing the output or its state. */
export class DiskError extends MirrorError {
  override name = 'DiskError'
  constructor(message: string, code: ErrorCode = 'EDISK', cause?: unknown) {
    super(message, code, {cause})
  }
}

/** No candidate could serve the target. */
export class NoMirrorError extends MirrorError {
  override name = 'NoMirrorError'
  constructor(message: string, code: ErrorCode = 'ENOMIRROR', cause?: unknown) {
    super(message, code, {cause})
  }
}

/** The run was interrupted by the user or a signal. */
export class AbortedError extends MirrorError {
  override name = 'AbortedError'
  constructor(message = 'interrupted', cause?: unknown) {
    super(message, 'EABORTED', {cause})
  }
}

export function isMirrorError(value: unknown): value is MirrorError {
  return value instanceof MirrorError
}
