// The download phase: keeps links running on the best mirrors until every piece is done, reacting to cuts, errors and user drops.
import {TransportError, type MirrorError} from '../errors.js'
import {ExitCode} from '../error-codes.js'
import type {FetchEvent, CutReason} from './events.js'
import {decideCuts, sampleRates} from './link-monitor.js'
import {asMirrorError, endsMirror, noMirrorError, recheckChanged} from './mirror-failures.js'
import {restatMirror} from './mirror-restat.js'
import {Link, runLink} from './link.js'
import type {MirrorState} from './mirror-state.js'
import type {ResolvedOptions} from './options.js'
import {NO_OWNER, type PieceMap} from './piece-map.js'
import {judgeBadPiece} from './blame.js'
import type {PieceWriter} from './piece-writer.js'
import type {Assignment} from './assignment.js'
import {mirrorsWithRoom, nextSpan, paceOf} from './scheduler.js'
import {progressEvent} from './progress-event.js'
import {probeMs} from './link-ramp.js'

export class Transfer {
  private readonly links: Link[] = []
  private readonly spans = new Map<Link, [number, number]>()
  private nextLinkId = 1
  private failure?: unknown
  private wakeUp?: () => void
  /** Mirrors whose deferred stat is in flight; those stats end with the transfer. */
  private readonly restatting = new Set<MirrorState>()
  private readonly restats = new AbortController()
  /** Links that hold a slot of the shared budget (a batch's), to give back when they end. */
  private readonly budgeted = new Set<Link>()

  constructor(
    private readonly map: PieceMap,
    private readonly mirrors: readonly MirrorState[],
    private readonly writer: PieceWriter,
    private readonly options: ResolvedOptions,
    private readonly emit: (event: FetchEvent) => void,
    private readonly signal: AbortSignal,
  ) {}

  get activeLinks(): readonly Link[] {
    return this.links
  }

  /** Runs until the map is complete; throws the error that made it impossible. */
  async run(): Promise<void> {
    let lastTick = Date.now()
    const timer = setInterval(() => {
      const now = Date.now()
      this.tick(now, now - lastTick)
      lastTick = now
    }, this.options.sampleMs)
    const onAbort = () => this.wake()
    this.signal.addEventListener('abort', onAbort)
    try {
      while (!this.map.complete) {
        if (this.failure !== undefined) throw this.failure
        if (this.signal.aborted) throw this.signal.reason
        this.fill()
        // A read the stat opened that no first link took (a resumed file, say) is not kept waiting.
        for (const mirror of this.mirrors) mirror.dropOpened()
        if (this.links.length === 0 && !this.mirrors.some((mirror) => mirror.isAlive(this.options.maxTries))) throw noMirrorError(this.mirrors)
        await new Promise<void>((resolve) => (this.wakeUp = resolve))
      }
    } finally {
      clearInterval(timer)
      this.signal.removeEventListener('abort', onAbort)
      this.restats.abort()
      await this.stopAll('hedge-lost')
    }
  }

  /** Cuts every link of a mirror and keeps it out until `restore`. */
  drop(mirror: MirrorState): void {
    if (!mirror.drop()) return
    this.emit({type: 'mirror-dropped', mirror: mirror.id, url: mirror.displayUrl})
    for (const link of this.links) if (link.mirror === mirror) this.cut(link, 'dropped')
    this.wake()
  }

  restore(mirror: MirrorState): void {
    if (!mirror.restore()) return
    this.emit({type: 'mirror-restored', mirror: mirror.id, url: mirror.displayUrl})
    this.wake()
  }

  /** Called by the piece writer; the piece is already back in the map. Who pays is judged in blame.ts. */
  pieceBad(piece: number, contributors: number[]): void {
    this.emit({type: 'piece-bad', piece, mirrors: contributors})
    const verdicts = judgeBadPiece(piece, contributors, (id) => this.mirrors[id]!.provenLiar, (id) => this.mirrors[id]!.suspicions)
    for (const id of verdicts.suspect) this.mirrors[id]!.suspect(piece, contributors.filter((other) => other !== id))
    for (const id of verdicts.convict) this.quarantine(this.mirrors[id]!, 'EINTEGRITY', `piece ${piece} did not match its hash`)
    this.wake()
  }

  quarantine(mirror: MirrorState, code: string, reason: string): void {
    if (mirror.status !== 'active') return
    mirror.quarantine(code, reason)
    this.emit({type: 'mirror-quarantined', mirror: mirror.id, url: mirror.displayUrl, reason})
    for (const link of this.links) if (link.mirror === mirror) this.cut(link, 'quarantined')
  }

  private wake(): void {
    const resolve = this.wakeUp
    this.wakeUp = undefined
    resolve?.()
  }

  private tick(now: number, elapsed: number): void {
    sampleRates(this.links, this.mirrors, elapsed)
    this.ramp(now, elapsed)
    const rules = {...this.options, minRemaining: this.map.pieceLength}
    for (const {link, reason} of decideCuts(this.links, this.mirrors, now, rules)) this.cut(link, reason)
    this.emit(progressEvent(this.map, this.mirrors))
    this.wake()
  }

  /** Lets each mirror's ramp measure this tick; a mirror that earned a link gets it at the next fill. */
  private ramp(now: number, elapsed: number): void {
    for (const mirror of this.mirrors) {
      let links = 0
      let newest: number | undefined = 0
      for (const link of this.links) {
        if (link.mirror !== mirror || link.cutReason) continue
        links++
        newest = link.firstByteAt === undefined || newest === undefined ? undefined : Math.max(newest, link.firstByteAt)
      }
      const step = mirror.ramp.sample(now, mirror.bytes, elapsed, links, links > 0 ? newest : undefined, mirror.linkLimit(this.options.perMirror), this.options.rampWindowMs)
      if (step) this.emit({type: 'mirror-links', mirror: mirror.id, url: mirror.displayUrl, links: step.links, before: Math.round(step.before), after: Math.round(step.after), settled: step.settled})
    }
  }

  private cut(link: Link, reason: CutReason): void {
    if (link.cutReason) return
    this.emit({type: 'link-cut', link: link.id, mirror: link.mirror.id, url: link.mirror.displayUrl, reason, offset: link.position, rate: Math.round(link.rate)})
    link.cut(reason)
  }

  private fill(): void {
    const now = Date.now()
    for (const mirror of this.mirrors) {
      if (mirror.unverified && !this.restatting.has(mirror) && mirror.isUsableAt(now, this.options.maxTries)) this.restat(mirror)
    }
    const limits = {perMirror: this.options.perMirror, maxTries: this.options.maxTries, minSplitPieces: this.options.minSplitPieces, probeMs: probeMs(this.options.rampWindowMs)}
    while (this.links.length < this.options.connections && !this.map.complete) {
      const budget = this.options.linkBudget
      const candidates = mirrorsWithRoom(this.mirrors, now, limits).filter((mirror) => !budget || budget.hasRoom(mirror.url.host))
      const room = candidates.reduce((sum, mirror) => sum + (mirror.linkLimit(this.options.perMirror) - mirror.links), 0)
      const slots = Math.min(this.options.connections - this.links.length, room)
      const pace = paceOf(this.map, this.mirrors, now, this.options.maxTries)
      let assignment: Assignment | undefined
      for (const mirror of candidates) if ((assignment = nextSpan(this.map, mirror, this.links, slots, limits, pace))) break
      if (!assignment) return this.fillWhole(now)
      this.start(assignment)
    }
  }

  /** A mirror without ranges serves one whole stream, and only when no ranged mirror is left. */
  private fillWhole(now: number): void {
    if (this.links.length > 0) return
    if (this.mirrors.some((mirror) => !mirror.wholeOnly && mirror.isAlive(this.options.maxTries))) return
    const mirror = this.mirrors.find((candidate) => candidate.wholeOnly && candidate.isUsableAt(now, this.options.maxTries))
    if (!mirror) return
    this.start({mirror, offset: 0, end: this.map.size, first: 0, endPiece: this.map.count, whole: true})
  }

  private start(assignment: Assignment): void {
    const {mirror, hedgeOf, stealFrom} = assignment
    const link = new Link(this.nextLinkId++, mirror, assignment.offset, assignment.end, hedgeOf !== undefined, assignment.whole)
    link.opened = mirror.takeOpened(assignment.offset)
    if (hedgeOf) {
      link.partner = hedgeOf
      hedgeOf.partner = link
      this.emit({type: 'hedge-start', link: link.id, of: hedgeOf.id, offset: link.position})
    } else {
      this.map.take(assignment.first, assignment.endPiece, link.id, stealFrom?.id)
      this.spans.set(link, [assignment.first, assignment.endPiece])
    }
    if (stealFrom) this.emit({type: 'steal', from: stealFrom.id, link: link.id, offset: link.position, length: link.remaining})
    mirror.linkStarted()
    if (this.options.linkBudget?.tryAcquire(mirror.url.host)) this.budgeted.add(link)
    this.links.push(link)
    this.emit({type: 'link-start', link: link.id, mirror: mirror.id, url: mirror.displayUrl, offset: link.position, length: link.remaining, hedge: link.hedge})
    runLink(link, this.writer.write, this.spanDone, this.map.pieceLength, this.signal).then(
      () => this.finish(link, undefined),
      (error: unknown) => this.finish(link, error),
    )
  }

  private readonly spanDone = (link: Link): boolean => {
    if (link.whole) return this.map.complete
    if (link.end <= link.position) return true
    // Pieces fill in order, so a claimed last piece means the whole span is claimed (by this link or its hedge partner).
    return this.map.isClaimed(this.map.pieceAt(link.end - 1))
  }

  private finish(link: Link, error: unknown): void {
    const {mirror} = link
    const now = Date.now()
    this.links.splice(this.links.indexOf(link), 1)
    mirror.linkEnded()
    if (this.budgeted.delete(link)) this.options.linkBudget?.release(mirror.url.host)
    const partner = link.partner
    link.partner = undefined
    if (partner) partner.partner = undefined
    const span = this.spans.get(link)
    this.spans.delete(link)
    if (span) {
      const heir = partner && !partner.cutReason ? partner : undefined
      this.map.release(span[0], span[1], link.id, heir?.id ?? NO_OWNER)
      if (heir) this.spans.set(heir, span)
    }
    if (link.bytes > 0) mirror.succeeded()
    if (error === undefined && !link.cutReason) {
      // A hedge pair ends together: the one further along wrote the tail and won.
      const lost = partner !== undefined && !partner.cutReason && partner.position > link.position
      if (lost) {
        link.cutReason = 'hedge-lost'
        this.emit({type: 'link-cut', link: link.id, mirror: mirror.id, url: mirror.displayUrl, reason: 'hedge-lost', offset: link.position, rate: Math.round(link.rate)})
        this.emit({type: 'hedge-won', link: partner.id, loser: link.id})
      } else {
        this.emit({type: 'link-end', link: link.id, mirror: mirror.id, bytes: link.bytes, offset: link.position})
        if (partner && !partner.cutReason) {
          this.emit({type: 'hedge-won', link: link.id, loser: partner.id})
          this.cut(partner, 'hedge-lost')
        }
      }
    } else if (link.cutReason) this.afterCut(link, now)
    else if (!this.signal.aborted) this.afterError(link, error, now)
    this.wake()
  }

  private afterCut(link: Link, now: number): void {
    const {mirror} = link
    if (link.cutReason === 'stall') {
      // Kept as the mirror's last failure, so a run that only ever stalled ends as a network error (exit 5).
      mirror.noteFailure(new TransportError(`${mirror.displayUrl} sent nothing for ${this.options.stallTimeoutMs / 1000} s`, 'ETIMEDOUT', {retryable: true}))
      const seconds = mirror.bench(now, 'ETIMEDOUT', 'no data within the stall timeout')
      this.emit({type: 'mirror-benched', mirror: mirror.id, url: mirror.displayUrl, code: 'ETIMEDOUT', seconds})
    } else if (link.cutReason === 'slow' || link.cutReason === 'relative') {
      mirror.coolDown(now)
    }
  }

  private afterError(link: Link, error: unknown, now: number): void {
    const {mirror} = link
    const failure = asMirrorError(error)
    this.emit({type: 'link-error', link: link.id, mirror: mirror.id, url: mirror.displayUrl, code: failure.code, message: failure.message, offset: link.position})
    mirror.noteFailure(failure)
    if (failure.exitCode === ExitCode.disk) this.failure ??= failure
    else if (failure.code === 'ERANGE_UNSUPPORTED') mirror.markWholeOnly()
    else if (failure.code === 'ECHANGED') this.recheck(mirror, failure)
    else if (endsMirror(failure)) this.quarantine(mirror, failure.code, failure.message)
    else {
      const seconds = mirror.bench(now, failure.code, failure.message, failure.retryAfter)
      this.emit({type: 'mirror-benched', mirror: mirror.id, url: mirror.displayUrl, code: failure.code, seconds})
    }
  }

  private restat(mirror: MirrorState): void {
    this.restatting.add(mirror)
    void restatMirror(mirror, this.map.size, AbortSignal.any([this.signal, this.restats.signal]), this.emit).finally(() => {
      this.restatting.delete(mirror)
      this.wake()
    })
  }

  private recheck(mirror: MirrorState, failure: MirrorError): void {
    void recheckChanged(mirror, failure, this.map.size, this.signal).then((reason) => {
      if (reason !== undefined) this.quarantine(mirror, 'ECHANGED', reason)
      this.wake()
    })
  }

  /** Cuts every link and waits until each has finished (it wakes this loop), giving up on a stuck write after 5 s. */
  private async stopAll(reason: CutReason): Promise<void> {
    for (const link of this.links) link.cut(reason)
    let expired = false
    const timer = setTimeout(() => {
      expired = true
      this.wake()
    }, 5000)
    while (this.links.length > 0 && !expired) await new Promise<void>((resolve) => (this.wakeUp = resolve))
    clearTimeout(timer)
  }
}
