// Per-mirror health during a download: usable, benched with back-off, quarantined, dropped by the user, or rejected.
import type {Transport} from '../../plugins/types.js'
import type {MirrorError} from '../errors.js'
import type {Suspicion} from './blame.js'
import {redactUrl} from '../redact.js'
import type {OpenedRead} from './opened-read.js'

export type MirrorStatus = 'active' | 'quarantined' | 'dropped' | 'rejected'

const BACKOFF_BASE_MS = 500
const BACKOFF_MAX_MS = 30_000
/** Weight of the newest time-to-first-byte sample. */
const SETUP_WEIGHT = 0.3

export class MirrorState {
  status: MirrorStatus = 'active'
  /** Why the mirror is quarantined or rejected. */
  reason?: string
  /** Only a whole stream from offset 0 (no ranges). */
  wholeOnly = false
  /** Its first stat failed with a retryable error: benched, and stated again before any link uses it. */
  unverified = false
  benchedUntil = 0
  /** After a slow cut, other mirrors are preferred until then. */
  cooldownUntil = 0
  consecutiveFailures = 0
  faults = 0
  cuts = 0
  /** Bad pieces it sent together with other mirrors, when the culprit was unclear. */
  suspicions: Suspicion[] = []
  /** It sent bytes that failed a hash on its own: it explains any bad piece it had a part in. */
  provenLiar = false
  links = 0
  bytes = 0
  /** Sum of its links' smoothed rates, updated by the monitor. */
  rate = 0
  /** Its links' smoothed rate per link at the last sample, to predict a new link's speed. */
  linkRate = 0
  /**
   * Smoothed bytes per second of the whole mirror, from its own byte count over intervals in which it
   * had links from start to end. Unlike the sum of its links' rates, it does not drop while a new link
   * ramps up or when a link ends, so it is what the endgame counts on as the mirror's capacity.
   */
  throughput = 0
  /** The same, over intervals in which one link had the mirror to itself: what one new link may get once it is idle. */
  soloRate = 0
  /** Byte count and active links at the previous sample (link-monitor.ts). */
  sampledBytes = 0
  sampledLinks = 0
  /** Smoothed milliseconds from a request to its first byte: what a new link costs before it moves data. */
  setupMs: number | undefined
  /** A read from `offset` that the stat already started (Transport.open), for this mirror's first link. */
  opened?: OpenedRead
  lastError?: {code: string; message: string}
  lastFailure?: MirrorError
  etag?: string
  modifiedAt?: Date
  size?: number
  readonly url: URL
  readonly displayUrl: string

  constructor(
    readonly id: number,
    url: URL,
    readonly transport: Transport,
    /** Lower is better: rank order from the MirrorSet, else the order given. */
    readonly order: number,
    /** Measured bytes per second from `rank`, when known. */
    readonly rankedRate?: number,
  ) {
    this.url = url
    this.displayUrl = redactUrl(url)
    // rank's single-stream probe is the best guess of a link's speed until links measure it.
    this.linkRate = rankedRate ?? 0
  }

  get host(): string {
    return this.url.host
  }

  /** Usable now (not benched) or later (benched, tries left). */
  isAlive(maxTries: number): boolean {
    return this.status === 'active' && this.consecutiveFailures < maxTries
  }

  isUsableAt(now: number, maxTries: number): boolean {
    return this.isAlive(maxTries) && this.benchedUntil <= now
  }

  /** Benches after a retryable failure; returns the seconds of the wait. */
  bench(now: number, code: string, message: string, retryAfterSeconds?: number): number {
    this.faults++
    this.consecutiveFailures++
    this.lastError = {code, message}
    const backoff = Math.min(BACKOFF_MAX_MS, BACKOFF_BASE_MS * 2 ** (this.consecutiveFailures - 1))
    const wait = retryAfterSeconds === undefined ? backoff : Math.min(BACKOFF_MAX_MS * 4, retryAfterSeconds * 1000)
    this.benchedUntil = now + wait
    return wait / 1000
  }

  quarantine(code: string, reason: string): void {
    this.faults++
    if (code === 'EINTEGRITY') this.provenLiar = true
    this.lastError ??= {code, message: reason}
    if (this.status === 'active') {
      this.status = 'quarantined'
      this.reason = reason
    }
  }

  /**
   * The opened read, when a link starting at `offset` can continue it; any other start ends it, since a
   * read left waiting holds a connection and the bytes the server already sent.
   */
  takeOpened(offset: number): OpenedRead | undefined {
    const opened = this.opened
    this.opened = undefined
    if (opened?.offset === offset) return opened
    opened?.controller.abort(new Error('the opened read was not needed'))
    return undefined
  }

  dropOpened(): void {
    this.takeOpened(-1)
  }

  /** Records one request's time to first byte. */
  noteSetup(milliseconds: number): void {
    this.setupMs = this.setupMs === undefined ? milliseconds : this.setupMs + SETUP_WEIGHT * (milliseconds - this.setupMs)
  }

  succeeded(): void {
    this.consecutiveFailures = 0
  }

  /** A short state word for summaries and the live view. */
  get stateLabel(): string {
    if (this.status !== 'active') return this.status
    if (this.benchedUntil > Date.now()) return 'benched'
    return this.wholeOnly ? 'whole-only' : 'active'
  }

  /** True when `text` names this mirror: its URL (with or without credentials) or its host. */
  matches(text: string): boolean {
    const wanted = text.trim()
    return wanted === this.url.href || wanted === this.displayUrl || wanted === this.url.host || wanted === this.url.hostname
  }
}
