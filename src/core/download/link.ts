// One connection loop: reads a span from one mirror and hands each chunk to the piece writer until the span ends.
import {MirrorError, TransportError} from '../errors.js'
import {ExitCode} from '../error-codes.js'
import type {CutReason} from './events.js'
import type {MirrorState} from './mirror-state.js'
import {continueOpened, type OpenedRead} from './opened-read.js'

const MAX_WRITES_IN_FLIGHT = 2

/** Hands contiguous chunks that start at `offset` to the disk; resolves when they are written. */
export type ChunkWriter = (link: Link, offset: number, chunks: readonly Uint8Array[]) => Promise<void>

/** Chunks are gathered up to this size, or to the end of a piece, so each write moves more bytes per system call. */
const BATCH_BYTES = 256 * 1024
/** ...but never held longer than this, so slow links still show progress and complete pieces. */
const BATCH_MS = 200

export class Link {
  readonly controller = new AbortController()
  readonly startedAt = Date.now()
  lastByteAt = this.startedAt
  firstByteAt?: number
  bytes = 0
  /**
   * Smoothed bytes per second. Starts as -0, a double, because it soon holds fractions: a field that
   * starts as a small integer changes representation at the first fraction, and every optimised
   * function that reads links (runLink, the piece writer) is thrown away and compiled again.
   */
  rate = -0
  sampledBytes = 0
  /** The other link of a hedged pair: whoever reaches the end first wins. */
  partner?: Link
  cutReason?: CutReason
  /** A read its mirror's stat already started at this link's offset, continued instead of a new request. */
  opened?: OpenedRead

  constructor(
    readonly id: number,
    readonly mirror: MirrorState,
    /** Next byte this link will receive. */
    public position: number,
    /** Exclusive end; stealing may move it earlier while the link runs. */
    public end: number,
    readonly hedge: boolean,
    /** Reads the whole file from offset 0 (a mirror without ranges). */
    readonly whole: boolean,
  ) {}

  get remaining(): number {
    return Math.max(0, this.end - this.position)
  }

  /** Stops the link; its reader sees the abort and its span goes back to the map. */
  cut(reason: CutReason): void {
    if (this.cutReason) return
    this.cutReason = reason
    this.controller.abort(new Error(`link cut: ${reason}`))
  }
}

/**
 * Reads until the span is done, the link is cut, or the stream fails. Returns normally when the
 * span ended (or was finished by a hedge partner); throws the transport's error otherwise.
 */
export async function runLink(link: Link, write: ChunkWriter, spanDone: (link: Link) => boolean, pieceLength: number, parent: AbortSignal): Promise<void> {
  const onAbort = () => link.controller.abort(parent.reason)
  parent.addEventListener('abort', onAbort, {once: true})
  try {
    const {mirror} = link
    const range = link.whole ? undefined : {offset: link.position, length: link.end - link.position}
    const options = mirror.etag === undefined ? {signal: link.controller.signal} : {signal: link.controller.signal, etag: mirror.etag}
    const opened = link.opened
    let stream = opened ? continueOpened(opened, link.controller.signal) : mirror.transport.read(mirror.url, range, options)
    // A few writes may be in flight while the next chunks arrive: waiting for each one would
    // cap a link at one thread-pool round trip per chunk. The bound keeps memory flat.
    const writing = new Set<Promise<void>>()
    let writeError: unknown
    const drain = async (limit: number) => {
      while (writing.size > limit) await Promise.race(writing)
      if (writeError !== undefined) throw writeError
    }
    let batch: Uint8Array[] = []
    let batchStart = link.position
    let batchBytes = 0
    let batchSince = 0
    const flush = async () => {
      if (batchBytes === 0) return
      const chunks = batch
      const offset = batchStart
      batch = []
      batchBytes = 0
      const pending: Promise<void> = write(link, offset, chunks).then(
        () => void writing.delete(pending),
        (error: unknown) => {
          writing.delete(pending)
          writeError ??= error
        },
      )
      writing.add(pending)
      await drain(MAX_WRITES_IN_FLIGHT)
    }
    try {
      // An opened read that asked for less than the span is followed by a ranged read of the rest, in
      // the same loop: one iterator class through one `for await`, which V8 keeps optimised for it.
      let rest = opened?.end
      for (;;) {
        for await (const chunk of stream) {
          const now = Date.now()
          if (link.firstByteAt === undefined) {
            link.firstByteAt = now
            // An opened read's first bytes were already waiting: its request's time was noted at the stat.
            if (!link.opened) mirror.speed.noteSetup(now - link.startedAt)
          }
          link.lastByteAt = now
          const room = link.end - link.position
          const data = chunk.length > room ? chunk.subarray(0, room) : chunk
          if (data.length > 0) {
            if (batchBytes === 0) {
              batchStart = link.position
              batchSince = now
            }
            batch.push(data)
            batchBytes += data.length
            link.position += data.length
            link.bytes += data.length
            mirror.received(data.length)
            const pieceEnds = link.position % pieceLength === 0
            if (batchBytes >= BATCH_BYTES || pieceEnds || now - batchSince >= BATCH_MS || link.position >= link.end) await flush()
          }
          if (link.position >= link.end || spanDone(link)) return
        }
        if (rest === undefined || link.position !== rest || link.cutReason) break
        rest = undefined
        stream = mirror.transport.read(mirror.url, {offset: link.position, length: link.end - link.position}, options)
      }
    } finally {
      // Bytes received before a cut or an error are still good: write them.
      await flush().catch(() => undefined)
      await drain(0)
    }
    if (link.cutReason) return
    if (link.position < link.end && !spanDone(link)) {
      throw new TransportError(`stream from ${mirror.displayUrl} ended at byte ${link.position}, before ${link.end}`, 'ESHORT', {retryable: true})
    }
  } catch (error) {
    const diskFailure = error instanceof MirrorError && error.exitCode === ExitCode.disk
    if (!diskFailure && (link.cutReason || spanDone(link))) return
    throw error
  } finally {
    parent.removeEventListener('abort', onAbort)
    link.controller.abort()
  }
}
