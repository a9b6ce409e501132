// The one error type of mirrorkit: a stable code, whether a retry may help, and the process exit code.

/** Exit codes, one table for every command (documented in the README). */
export const ExitCode = {
  ok: 0,
  /** Unexpected internal failure. */
  internal: 1,
  /** Bad input: flags, URLs, MirrorSet files, output paths. */
  usage: 2,
  /** No usable mirror: every candidate failed, was missing or was rejected. */
  noMirror: 3,
  /** Integrity failure: checksum or piece hash mismatch, a mirror that serves other bytes. */
  integrity: 4,
  /** Network failure that retries did not overcome. */
  network: 5,
  /** Local disk failure: no space, no permission, unwritable output. */
  disk: 6,
  /** Stopped by SIGINT or SIGTERM. */
  interrupted: 130,
} as const

export type ExitCodeValue = (typeof ExitCode)[keyof typeof ExitCode]

export type MirrorErrorOptions = {
  retryable?: boolean
  exitCode?: ExitCodeValue
  cause?: unknown
  /** Seconds a server asked us to wait (Retry-After), when it did. */
  retryAfter?: number
}

/** Every error mirrorkit raises on purpose: `code` is stable and safe for scripts to match. */
export class MirrorError extends Error {
  override name = 'MirrorError'
  readonly code: string
  readonly retryable: boolean
  readonly exitCode: ExitCodeValue
  readonly retryAfter?: number

  constructor(message: string, code: string, options: MirrorErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : {cause: options.cause})
    this.code = code
    this.retryable = options.retryable ?? false
    this.exitCode = options.exitCode ?? ExitCode.internal
    if (options.retryAfter !== undefined) this.retryAfter = options.retryAfter
  }
}

/** Bad input from the user: a flag, a URL, a file they named. */
export class UsageError extends MirrorError {
  override name = 'UsageError'
  constructor(message: string, code = 'EUSAGE', cause?: unknown) {
    super(message, code, {exitCode: ExitCode.usage, cause})
  }
}

/** A transfer or protocol failure talking to one mirror. */
export class TransportError extends MirrorError {
  override name = 'TransportError'
  constructor(message: string, code: string, options: Omit<MirrorErrorOptions, 'exitCode'> & {exitCode?: ExitCodeValue} = {}) {
    super(message, code, {exitCode: ExitCode.network, ...options})
  }
}

/** Bytes that are not the bytes of the target. */
export class IntegrityError extends MirrorError {
  override name = 'IntegrityError'
  constructor(message: string, code = 'EINTEGRITY', cause?: unknown) {
    super(message, code, {exitCode: ExitCode.integrity, cause})
  }
}

/** Local file-system failure while writing the output or its state. */
export class DiskError extends MirrorError {
  override name = 'DiskError'
  constructor(message: string, code = 'EDISK', cause?: unknown) {
    super(message, code, {exitCode: ExitCode.disk, cause})
  }
}

/** No candidate could serve the target. */
export class NoMirrorError extends MirrorError {
  override name = 'NoMirrorError'
  constructor(message: string, code = 'ENOMIRROR', cause?: unknown) {
    super(message, code, {exitCode: ExitCode.noMirror, cause})
  }
}

/** The run was interrupted by the user or a signal. */
export class AbortedError extends MirrorError {
  override name = 'AbortedError'
  constructor(message = 'interrupted', cause?: unknown) {
    super(message, 'EABORTED', {exitCode: ExitCode.interrupted, cause})
  }
}

export function isMirrorError(value: unknown): value is MirrorError {
  return value instanceof MirrorError
}
