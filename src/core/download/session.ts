// The state one download shares between its steps: settings, events, the abort signal, transports, mirrors, the running transfer, and what to clean up.
import {setMaxListeners} from 'node:events'
import {AbortedError, MirrorError} from '../errors.js'
import {ExitCode} from '../error-codes.js'
import {TransportSet} from '../transports.js'
import type {FetchEvent, FetchEventListener} from './events.js'
import {connectionsPerOrigin} from './mirror-setup.js'
import type {MirrorState} from './mirror-state.js'
import {resolveOptions, type FetchOptions, type ResolvedOptions} from './options.js'
import type {PieceMap} from './piece-map.js'
import type {PieceWriter} from './piece-writer.js'
import {Transfer} from './transfer.js'

export type FetchHooks = {signal?: AbortSignal; onEvent?: FetchEventListener}

export class DownloadSession {
  readonly settings: ResolvedOptions
  readonly started = Date.now()
  /** Aborts on the caller's signal, or when a step fails the download from outside the transfer (a checkpoint on a full disk). */
  readonly signal: AbortSignal
  readonly transports: TransportSet
  readonly #internal = new AbortController()
  readonly #cleanups: Array<() => Promise<void>> = []
  #links = 0
  #onProgress?: () => void
  #mirrors: readonly MirrorState[] = []
  #transfer?: Transfer

  constructor(
    readonly options: FetchOptions,
    private readonly hooks: FetchHooks,
  ) {
    this.settings = resolveOptions(options)
    this.signal = AbortSignal.any([hooks.signal ?? new AbortController().signal, this.#internal.signal])
    // Every link listens to this signal; dozens of links are normal, not a leak.
    setMaxListeners(0, this.signal)
    const transportOptions = {...options.transport, connectionsPerOrigin: connectionsPerOrigin(options.urls ?? [], options.mirrorSet, this.settings.perMirror)}
    this.transports = options.transports ?? (options.transportFactories ? new TransportSet(transportOptions, options.transportFactories) : new TransportSet(transportOptions))
  }

  readonly emit = (event: FetchEvent): void => {
    if (event.type === 'link-start') this.#links++
    else if (event.type === 'progress') this.#onProgress?.()
    this.hooks.onEvent?.(event)
  }

  /** Links started so far, for the summary. */
  get links(): number {
    return this.#links
  }

  get mirrors(): readonly MirrorState[] {
    return this.#mirrors
  }

  /** The mirrors of this download, once stated; a read a stat opened and no link took is ended with the session. */
  useMirrors(mirrors: readonly MirrorState[]): void {
    this.#mirrors = mirrors
    this.defer(async () => mirrors.forEach((mirror) => mirror.dropOpened()))
  }

  /** Called on each progress tick while it is set (the early cross-check polls this way). */
  onProgress(poll: (() => void) | undefined): void {
    this.#onProgress = poll
  }

  /** Stops the download with `error`; the steps see it as the signal's reason. */
  fail(error: unknown): void {
    this.#internal.abort(error)
  }

  /** Runs at close, in reverse order of deferral. */
  defer(cleanup: () => Promise<void>): void {
    this.#cleanups.push(cleanup)
  }

  /** One transfer until every piece of `map` is done; drops and restores reach it while it runs. */
  async transfer(map: PieceMap, writer: PieceWriter): Promise<void> {
    this.#transfer = new Transfer(map, this.#mirrors, writer, this.settings, this.emit, this.signal)
    try {
      await this.#transfer.run()
    } finally {
      this.#transfer = undefined
    }
  }

  /** A piece failed its hash: the running transfer judges its senders. */
  pieceBad(piece: number, contributors: number[]): void {
    this.#transfer?.pieceBad(piece, contributors)
  }

  /** Drops or restores every mirror whose URL or host is `text`; returns how many matched. */
  steer(text: string, action: 'drop' | 'undrop'): number {
    const matching = this.#mirrors.filter((mirror) => mirror.matches(text))
    const transfer = this.#transfer
    for (const mirror of matching) {
      if (action === 'drop') {
        if (transfer) transfer.drop(mirror)
        else mirror.drop()
      } else if (transfer) transfer.restore(mirror)
      else mirror.restore()
    }
    return matching.length
  }

  /** The error a failed download ends with: the failure that aborted it, or an AbortedError when the caller stopped it. */
  failure(error: unknown): unknown {
    const internal = this.#internal.signal
    // A step that failed the download (a refused reference, a full disk) names the outcome, whatever the links threw on the abort.
    if (internal.aborted && internal.reason instanceof MirrorError) return internal.reason
    if (this.signal.aborted && !(error instanceof MirrorError)) return internal.aborted ? internal.reason : new AbortedError(undefined, error)
    if (this.hooks.signal?.aborted && !(error instanceof AbortedError) && !(error instanceof MirrorError && error.exitCode === ExitCode.disk)) return new AbortedError(undefined, error)
    return error
  }

  /** Runs the deferred clean-ups (their failures ignored) and closes the transports, unless the caller shares them. */
  async close(): Promise<void> {
    for (const cleanup of this.#cleanups.reverse()) await cleanup().catch(() => undefined)
    if (!this.options.transports) await this.transports.close()
  }
}
