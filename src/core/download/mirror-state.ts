// Per-mirror health during a download: usable, benched with back-off, quarantined, dropped by the user, or rejected.
import type {RemoteInfo, Transport} from '../../plugins/types.js'
import type {MirrorError} from '../errors.js'
import type {Suspicion} from './blame.js'
import {redactUrl} from '../redact.js'
import {MirrorSpeed} from './mirror-speed.js'
import {LinkRamp} from './link-ramp.js'
import type {OpenedRead} from './opened-read.js'

export type MirrorStatus = 'active' | 'quarantined' | 'dropped' | 'rejected'

const BACKOFF_BASE_MS = 500
const BACKOFF_MAX_MS = 30_000
/** After a slow cut, other mirrors are preferred for this long. */
const COOLDOWN_MS = 5000

/** Each field has one writer, a method named for the event; every reader sees a getter. */
export class MirrorState {
  #status: MirrorStatus = 'active'
  #reason?: string
  #wholeOnly = false
  #unverified = false
  #benchedUntil = 0
  #cooldownUntil = 0
  #consecutiveFailures = 0
  #faults = 0
  #cuts = 0
  readonly #suspicions: Suspicion[] = []
  #provenLiar = false
  #links = 0
  #bytes = 0
  #opened?: OpenedRead
  #pendingStat?: Promise<RemoteInfo>
  #lastError?: {code: string; message: string}
  #lastFailure?: MirrorError
  #etag?: string
  #modifiedAt?: Date
  #remote?: RemoteInfo
  #size?: number
  readonly speed: MirrorSpeed
  /** How many links its measured rate has earned so far (link-ramp.ts). */
  readonly ramp = new LinkRamp()
  readonly url: URL
  readonly displayUrl: string

  constructor(
    readonly id: number,
    url: URL,
    readonly transport: Transport,
    /** Lower is better: rank order from the MirrorSet, else the order given. */
    readonly order: number,
    /** Measured bytes per second from `rank`, when known. */
    rankedRate?: number,
    /** The publisher's cap on links to this mirror (metalink maxconnections), when it set one. */
    readonly maxLinks?: number,
  ) {
    this.url = url
    this.displayUrl = redactUrl(url)
    this.speed = new MirrorSpeed(rankedRate)
  }

  /** Links this mirror may carry: `perMirror`, or fewer when its publisher capped it. */
  linkLimit(perMirror: number): number {
    return Math.min(perMirror, this.maxLinks ?? perMirror)
  }

  /** Links it may run now: what its ramp has earned, within `linkLimit`. */
  linkRoom(perMirror: number): number {
    return Math.min(this.linkLimit(perMirror), this.ramp.allowed)
  }

  get status(): MirrorStatus {
    return this.#status
  }
  /** Why the mirror is quarantined or rejected. */
  get reason(): string | undefined {
    return this.#reason
  }
  /** Only a whole stream from offset 0 (no ranges). */
  get wholeOnly(): boolean {
    return this.#wholeOnly
  }
  /** Its first stat did not answer in time or failed with a retryable error: stated again before any link uses it. */
  get unverified(): boolean {
    return this.#unverified
  }
  get benchedUntil(): number {
    return this.#benchedUntil
  }
  get cooldownUntil(): number {
    return this.#cooldownUntil
  }
  get consecutiveFailures(): number {
    return this.#consecutiveFailures
  }
  get faults(): number {
    return this.#faults
  }
  get cuts(): number {
    return this.#cuts
  }
  /** Bad pieces it sent together with other mirrors, when the culprit was unclear. */
  get suspicions(): readonly Suspicion[] {
    return this.#suspicions
  }
  /** It sent bytes that failed a hash on its own: it explains any bad piece it had a part in. */
  get provenLiar(): boolean {
    return this.#provenLiar
  }
  get links(): number {
    return this.#links
  }
  get bytes(): number {
    return this.#bytes
  }
  /** A read from `offset` that the stat already started (Transport.open), for this mirror's first link. */
  get opened(): OpenedRead | undefined {
    return this.#opened
  }
  get lastError(): {code: string; message: string} | undefined {
    return this.#lastError
  }
  get lastFailure(): MirrorError | undefined {
    return this.#lastFailure
  }
  get etag(): string | undefined {
    return this.#etag
  }
  get modifiedAt(): Date | undefined {
    return this.#modifiedAt
  }

  /** The mirror's last stat as it answered, whose digest and Link headers the reference look-up weighs. */
  get remote(): RemoteInfo | undefined {
    return this.#remote
  }
  get size(): number | undefined {
    return this.#size
  }

  /** Usable now (not benched) or later (benched, tries left). */
  isAlive(maxTries: number): boolean {
    return this.#status === 'active' && this.#consecutiveFailures < maxTries
  }

  isUsableAt(now: number, maxTries: number): boolean {
    return this.isAlive(maxTries) && this.#benchedUntil <= now
  }

  /** Copies the validators of a stat (which also clears `unverified`); returns why it cannot serve the target (another size), if so. */
  stated(remote: RemoteInfo, targetSize: number | undefined): string | undefined {
    this.#unverified = false
    this.#size = remote.size
    this.#etag = remote.etag
    this.#modifiedAt = remote.modifiedAt
    this.#remote = remote
    this.#wholeOnly = !remote.acceptsRanges
    return remote.size === targetSize ? undefined : `size ${remote.size ?? 'unknown'} differs from the primary's ${targetSize ?? 'unknown'}`
  }

  /** No stat has confirmed it yet: it is stated (or its first stat, `pending`, awaited) before any link uses it. */
  needsStat(pending?: Promise<RemoteInfo>): void {
    this.#unverified = true
    this.#pendingStat = pending
  }

  /** Its first stat while it is still in flight (the reference look-up reads its answer too). */
  get pendingStat(): Promise<RemoteInfo> | undefined {
    return this.#pendingStat
  }

  /** The first stat, still in flight when the download started, for the transfer to await instead of asking again. */
  takePendingStat(): Promise<RemoteInfo> | undefined {
    const pending = this.#pendingStat
    this.#pendingStat = undefined
    return pending
  }

  /** It refuses ranges (or a recheck found so): it can only serve one whole stream from offset 0. */
  markWholeOnly(): void {
    this.#wholeOnly = true
  }

  linkStarted(): void {
    this.#links++
  }

  linkEnded(): void {
    this.#links--
  }

  received(bytes: number): void {
    this.#bytes += bytes
  }

  /** A link moved data: its failures so far are forgiven. */
  succeeded(): void {
    this.#consecutiveFailures = 0
  }

  /** Keeps the error that explains the mirror's last failure, for the run's final error. */
  noteFailure(failure: MirrorError): void {
    this.#lastFailure = failure
  }

  /** Benches after a retryable failure; returns the seconds of the wait. */
  bench(now: number, code: string, message: string, retryAfterSeconds?: number): number {
    this.#faults++
    this.#consecutiveFailures++
    this.#lastError = {code, message}
    const backoff = Math.min(BACKOFF_MAX_MS, BACKOFF_BASE_MS * 2 ** (this.#consecutiveFailures - 1))
    const wait = retryAfterSeconds === undefined ? backoff : Math.min(BACKOFF_MAX_MS * 4, retryAfterSeconds * 1000)
    this.#benchedUntil = now + wait
    return wait / 1000
  }

  /** A link of it was cut for being slow: counted, and other mirrors are preferred for a while. */
  coolDown(now: number): void {
    this.#cuts++
    this.#cooldownUntil = now + COOLDOWN_MS
  }

  /** Keeps links off it while a fresh stat decides whether it changed (recheckDone ends that). */
  holdForRecheck(): void {
    this.#benchedUntil = Number.MAX_SAFE_INTEGER
  }

  recheckDone(): void {
    this.#benchedUntil = 0
  }

  /** Ends its use in this run (an active or dropped mirror); returns false, changing nothing, otherwise. */
  quarantine(code: string, reason: string): boolean {
    if (this.#status !== 'active' && this.#status !== 'dropped') return false
    this.#faults++
    if (code === 'EINTEGRITY') this.#provenLiar = true
    this.#lastError ??= {code, message: reason}
    this.#status = 'quarantined'
    this.#reason = reason
    return true
  }

  /** It sent part of a bad piece whose culprit is unclear, with `partners` sending the rest. */
  suspect(piece: number, partners: number[]): void {
    this.#suspicions.push({piece, partners})
  }

  /** Kept out by the user (or while the end checks test a hypothesis); returns false when it was not active. */
  drop(): boolean {
    if (this.#status !== 'active') return false
    this.#status = 'dropped'
    return true
  }

  /** Undoes `drop`; returns false when it was not dropped. */
  restore(): boolean {
    if (this.#status !== 'dropped') return false
    this.#status = 'active'
    return true
  }

  /** It cannot serve the target at all (its stat failed or disagrees). */
  reject(reason: string, lastError?: {code: string; message: string}): void {
    this.#status = 'rejected'
    this.#reason = reason
    if (lastError) this.#lastError = lastError
  }

  /** Keeps the read its stat opened, for its first link. */
  holdOpened(read: OpenedRead): void {
    this.#opened = read
  }

  /**
   * The opened read, when a link starting at `offset` can continue it; any other start ends it, since a
   * read left waiting holds a connection and the bytes the server already sent.
   */
  takeOpened(offset: number): OpenedRead | undefined {
    const opened = this.#opened
    this.#opened = undefined
    if (opened?.offset === offset) return opened
    opened?.controller.abort(new Error('the opened read was not needed'))
    return undefined
  }

  dropOpened(): void {
    this.takeOpened(-1)
  }

  /** A short state word for summaries and the live view. */
  get stateLabel(): string {
    if (this.#status !== 'active') return this.#status
    if (this.#benchedUntil > Date.now()) return 'benched'
    return this.#wholeOnly ? 'whole-only' : 'active'
  }

  /** True when `text` names this mirror: its URL (with or without credentials) or its host. */
  matches(text: string): boolean {
    const wanted = text.trim()
    return wanted === this.url.href || wanted === this.displayUrl || wanted === this.url.host || wanted === this.url.hostname
  }
}
