// The scheduler: mirror choice, sharing a free run, stealing a rate-sized part of the slowest span, and hedging the tail.
import {describe, expect, it} from 'vitest'
import {Link} from '../../../src/core/download/link.js'
import {MirrorState} from '../../../src/core/download/mirror-state.js'
import {PieceMap} from '../../../src/core/download/piece-map.js'
import {HEDGE_GRACE_MS, steal} from '../../../src/core/download/endgame.js'
import {mirrorsWithRoom, nextSpan, paceOf} from '../../../src/core/download/scheduler.js'
import type {Transport} from '../../../src/plugins/types.js'
import {measure, rampTo} from './helpers.js'

const transport = {} as Transport
const limits = {perMirror: 2, maxTries: 5, minSplitPieces: 1}
/** A mirror whose links are expected to move `rankedRate` bytes per second each (rank's measure), when given. */
const mirror = (id: number, rankedRate?: number) => new MirrorState(id, new URL(`http://m${id}.test/f`), transport, id, rankedRate)
/** A link that has run long enough for its own rate to count. */
const settled = (link: Link) => Object.assign(link, {startedAt: Date.now() - HEDGE_GRACE_MS - 1})

/** Claims the given bytes of each piece, from piece 0. */
const claimAll = (map: PieceMap, bytes: number[]) => bytes.forEach((count, piece) => map.claim(piece, count))

/** Four 100-byte pieces held by one live link at `ownRate`, 70 bytes from its end, the only link of a mirror that delivers `mirrorRate`. */
function liveTail(mirrorRate: number, ownRate: number) {
  const map = new PieceMap(4 * 100, 100)
  map.take(0, 4, 1)
  claimAll(map, [100, 100, 100, 30])
  const owner = mirror(1)
  measure(owner, [ownRate], mirrorRate)
  owner.linkStarted()
  const tail = settled(new Link(1, owner, 330, 400, false, false))
  tail.rate = ownRate
  return {map, tail, owner}
}

/** Twenty 100-byte pieces held by one link at 10 bytes/s, halfway through piece 2: 1750 bytes to go. */
function busySpan(old = true) {
  const map = new PieceMap(20 * 100, 100)
  map.take(0, 20, 1)
  const link = new Link(1, mirror(1), 250, 2000, false, false)
  link.rate = 10
  map.claim(2, 50)
  return {map, link: old ? settled(link) : link}
}

describe('scheduler', () => {
  it('prefers mirrors with fewer links, then faster ones, then rank order; skips benched and full ones', () => {
    const [a, b, c, d] = [mirror(0), mirror(1, 10), mirror(2, 20), mirror(3)]
    rampTo(a, 2)
    a.linkStarted()
    d.bench(Date.now(), 'EBUSY', 'busy', 10)
    expect(mirrorsWithRoom([a, b, c, d], Date.now(), limits).map((m) => m.id)).toEqual([2, 1, 0])
    a.linkStarted()
    expect(mirrorsWithRoom([a, b, c, d], Date.now(), limits).map((m) => m.id)).toEqual([2, 1])
  })

  it('gives a mirror only the links its ramp has earned, and never more than --per-mirror', () => {
    const [a, b] = [mirror(0), mirror(1)]
    a.linkStarted()
    expect(mirrorsWithRoom([a, b], Date.now(), limits).map((m) => m.id)).toEqual([1])
    rampTo(a, 2)
    expect(mirrorsWithRoom([a, b], Date.now(), limits).map((m) => m.id)).toEqual([1, 0])
    rampTo(b, 3)
    b.linkStarted()
    b.linkStarted()
    expect(b.ramp.allowed).toBe(3)
    expect(mirrorsWithRoom([a, b], Date.now(), limits).map((m) => m.id)).toEqual([0])
  })

  it('puts first a mirror whose stat opened a read, so its first link continues that read', () => {
    const [a, b] = [mirror(0), mirror(1, 1000)]
    expect(mirrorsWithRoom([a, b], Date.now(), limits).map((m) => m.id)).toEqual([1, 0])
    a.holdOpened({offset: 0, body: (async function* () {})(), controller: new AbortController()})
    expect(mirrorsWithRoom([a, b], Date.now(), limits).map((m) => m.id)).toEqual([0, 1])
    expect(a.takeOpened(0)?.offset).toBe(0)
    expect(mirrorsWithRoom([a, b], Date.now(), limits).map((m) => m.id)).toEqual([1, 0])
  })

  it('keeps a mirror in cooldown out while another is alive', () => {
    const [a, b] = [mirror(0), mirror(1)]
    a.linkStarted()
    a.linkStarted()
    b.coolDown(Date.now())
    expect(mirrorsWithRoom([a, b], Date.now(), limits)).toEqual([])
    a.drop()
    expect(mirrorsWithRoom([a, b], Date.now(), limits).map((m) => m.id)).toEqual([1])
  })

  it('keeps a collapsed mirror (far below its own best) out while another is alive', () => {
    const [a, b] = [mirror(0), mirror(1)]
    for (let second = 0; second < 3; second++) measure(b, [1_000_000], 1_000_000)
    expect(mirrorsWithRoom([a, b], Date.now(), limits).map((m) => m.id)).toEqual([1, 0])
    for (let second = 0; second < 5; second++) measure(b, [10_000], 10_000)
    expect(mirrorsWithRoom([a, b], Date.now(), limits).map((m) => m.id)).toEqual([0])
    a.drop()
    expect(mirrorsWithRoom([a, b], Date.now(), limits).map((m) => m.id)).toEqual([1])
  })

  it('shares the free run among the links about to start', () => {
    const map = new PieceMap(16 * 100, 100)
    const span = nextSpan(map, mirror(0), [], 4, limits)
    expect(span).toMatchObject({offset: 0, end: 400, first: 0, endPiece: 4})
  })

  it('gives a mirror whose reads run to the end of the file (FTP) the back of a run that ends the file', () => {
    const map = new PieceMap(16 * 100, 100)
    const ftp = new MirrorState(1, new URL('ftp://m1.test/f'), {openEndedReads: true} as Transport, 1)
    expect(nextSpan(map, ftp, [], 4, limits)).toMatchObject({offset: 1200, end: 1600, first: 12, endPiece: 16})
    // A run that stops short of the file's end is cut anyway: from its front, as for any mirror.
    map.take(12, 16, 1)
    expect(nextSpan(map, ftp, [], 4, limits)).toMatchObject({offset: 0, end: 300, first: 0, endPiece: 3})
  })

  it('sizes a span by what its mirror can send before the whole download would end, once the pace is known', () => {
    const map = new PieceMap(100 * 100, 100)
    const [fast, slow] = [mirror(0), mirror(1)]
    measure(fast, [900], 900)
    measure(slow, [100], 100)
    fast.speed.noteSetup(0)
    slow.speed.noteSetup(0)
    const pace = paceOf(map, [fast, slow], Date.now(), limits.maxTries)
    // 10 000 bytes at 1000 B/s: 10 s; the fast mirror sends 9000 bytes in that time, the slow one 1000.
    expect(pace).toEqual({rate: 1000, remaining: 10_000})
    expect(nextSpan(map, fast, [], 2, limits, pace)).toMatchObject({first: 0, endPiece: 90})
    expect(nextSpan(map, slow, [], 2, limits, pace)).toMatchObject({first: 0, endPiece: 10})
    // Without a pace (a mirror with links not yet measured), the run is shared equally among the slots.
    expect(nextSpan(map, slow, [], 2, limits)).toMatchObject({first: 0, endPiece: 50})
    const unmeasured = mirror(2)
    unmeasured.linkStarted()
    expect(paceOf(map, [fast, slow, unmeasured], Date.now(), limits.maxTries)).toBeUndefined()
  })

  it("gives a probe link (one its mirror's ramp is still judging) only what it sends while judged", () => {
    const map = new PieceMap(100 * 100, 100)
    const fast = mirror(0)
    measure(fast, [900], 900)
    fast.speed.noteSetup(0)
    const pace = {rate: 1000, remaining: 10_000}
    fast.linkStarted()
    rampTo(fast, 2)
    const probing = {...limits, probeMs: 2000}
    // Beside the mirror's first link it gets half of 900 B/s: 900 bytes in the 2 s it is judged, not 4500 by the end.
    expect(nextSpan(map, fast, [], 2, probing, pace)).toMatchObject({first: 0, endPiece: 9})
    expect(nextSpan(map, fast, [], 2, limits, pace)).toMatchObject({first: 0, endPiece: 45})
    // Once the ramp has decided, a new link on the mirror is sized to the end again.
    fast.ramp.sample(10_000, 0, 1000, 2, 0, fast.ramp.allowed, 1000)
    expect(fast.ramp.settled).toBe(true)
    expect(nextSpan(map, fast, [], 2, probing, pace)).toMatchObject({first: 0, endPiece: 45})
    // A mirror's first link is never a probe.
    const fresh = mirror(1)
    measure(fresh, [900], 900)
    fresh.speed.noteSetup(0)
    expect(nextSpan(map, fresh, [], 2, probing, pace)).toMatchObject({first: 0, endPiece: 90})
  })

  it('steals from the span that would take longest, sized so both links end together, at a piece boundary', () => {
    const {map, link: slow} = busySpan(false)
    // A thief of unknown speed counts as fast as its victim: 1750 bytes left split near the middle.
    const span = nextSpan(map, mirror(0), [slow], 1, limits)
    expect(span).toMatchObject({first: 11, endPiece: 20, offset: 1100, end: 2000, stealFrom: slow})
    expect(slow.end).toBe(1100)
  })

  it('gives a fast thief most of a slow span, never the piece the victim is writing', () => {
    const {map, link: slow} = busySpan()
    const fast = mirror(0, 90)
    fast.speed.noteSetup(500)
    expect(nextSpan(map, fast, [slow], 1, limits)).toMatchObject({first: 4, endPiece: 20, stealFrom: slow})
    expect(slow.end).toBe(400)
    const tail = settled(new Link(2, mirror(1), 1850, 2000, false, false))
    tail.rate = 10
    map.claim(18, 50)
    // Only the piece it is writing and one more: the thief may take the last piece.
    expect(nextSpan(map, fast, [tail], 1, limits)).toMatchObject({first: 19, endPiece: 20, stealFrom: tail})
  })

  it('splits after the bytes already on their way to the victim, and not at all when they reach its end', () => {
    const {map, link: slow} = busySpan()
    const fast = mirror(0, 90)
    fast.speed.noteSetup(500)
    // 30 s to a first byte at 10 bytes/s: 300 bytes past its position (250) are in flight, up to piece 5.
    slow.mirror.speed.noteSetup(30_000)
    expect(steal(map, fast, [slow], limits)).toMatchObject({first: 6, endPiece: 20, stealFrom: slow})
    expect(slow.end).toBe(600)
    // Two pieces from its end, with a piece's worth in flight: nothing is left to take but bytes already sent.
    const near = mirror(1)
    near.speed.noteSetup(10_000)
    const tail = settled(new Link(2, near, 1850, 2000, false, false))
    tail.rate = 10
    map.claim(18, 50)
    expect(steal(map, fast, [tail], limits)).toBeUndefined()
    expect(tail.end).toBe(2000)
  })

  it("counts a busy thief's capacity by its measured throughput, not by its links' ramping rates", () => {
    const {map, link: busy} = busySpan()
    /** A thief whose links run at 5 bytes/s, and which sent `bytesPerSecond` in a sampled second (when given). */
    const thiefAt = (bytesPerSecond?: number) => {
      const thief = mirror(0)
      thief.speed.noteSetup(500)
      measure(thief, [5], bytesPerSecond)
      return thief
    }
    /** The thief's own link, which just started: its smoothed rate (5 bytes/s) may be far below the mirror's. */
    const ownLink = (thief: MirrorState) => {
      thief.linkStarted()
      const own = settled(new Link(2, thief, 3000, 3100, false, false))
      own.rate = 5
      return own
    }
    const measured = thiefAt(50)
    expect(nextSpan(map, measured, [busy, ownLink(measured)], 1, limits)).toMatchObject({first: 6, endPiece: 20, stealFrom: busy})
    // Judged by the ramping rate alone, it would take only the last five pieces.
    busy.end = 2000
    const ramping = thiefAt()
    expect(nextSpan(map, ramping, [busy, ownLink(ramping)], 1, limits)).toMatchObject({first: 15, endPiece: 20, stealFrom: busy})
    // Idle, it is judged by what its last lone link got (the whole server, where connections share it).
    busy.end = 2000
    expect(nextSpan(map, thiefAt(50), [busy], 1, limits)).toMatchObject({first: 5, endPiece: 20, stealFrom: busy})
    busy.end = 2000
    expect(nextSpan(map, thiefAt(), [busy], 1, limits)).toMatchObject({first: 14, endPiece: 20, stealFrom: busy})
  })

  it('does not let a slow thief take work that the others will be free to do sooner', () => {
    const {map, link: busy} = busySpan()
    const slow = mirror(0, 1)
    slow.speed.noteSetup(500)
    // Alone, taking the last piece would end the download sooner.
    expect(nextSpan(map, slow, [busy], 1, limits)).toMatchObject({first: 19, stealFrom: busy})
    busy.end = 2000
    // With a fast link about to finish everything in under two seconds, a piece at 1 byte/s is not worth taking.
    const quick = settled(new Link(2, mirror(2), 0, 100, false, false))
    quick.rate = 1000
    expect(nextSpan(map, slow, [busy, quick], 1, limits)).toBeUndefined()
    expect(busy.end).toBe(2000)
  })

  it('splits a hedged pair for a faster idle mirror, cutting both links short at the split', () => {
    const map = new PieceMap(20 * 100, 100)
    map.take(0, 20, 1)
    claimAll(map, [100, 100, 100, 100, 50])
    const original = settled(new Link(1, mirror(3), 450, 2000, false, false))
    original.rate = 10
    const duplicate = settled(new Link(2, mirror(2), 450, 2000, true, false))
    duplicate.rate = 20
    original.partner = duplicate
    duplicate.partner = original
    const fast = mirror(0)
    measure(fast, [1000], 1000)
    fast.speed.noteSetup(0)
    const span = nextSpan(map, fast, [original, duplicate], 1, limits)
    expect(span).toMatchObject({stealFrom: original, end: 2000})
    expect(span!.first).toBeGreaterThan(4)
    expect(original.end).toBe(span!.offset)
    expect(duplicate.end).toBe(original.end)
  })

  it("counts the span a hedge inherited from its cut partner as work, so an idle mirror takes part of it", () => {
    // A stopped mirror's link was cut; the hedge a slow mirror had started on it now owns its span alone.
    const map = new PieceMap(20 * 100, 100)
    map.take(0, 20, 1)
    map.claim(2, 50)
    const heir = settled(new Link(1, mirror(1), 250, 2000, true, false))
    heir.rate = 10
    // Another mirror's link, nearly done: the rest of the download must not look nearly done with it.
    const quick = settled(new Link(2, mirror(2), 0, 100, false, false))
    quick.rate = 1000
    const thief = mirror(0, 90)
    thief.speed.noteSetup(500)
    expect(nextSpan(map, thief, [heir, quick], 1, limits)).toMatchObject({endPiece: 20, stealFrom: heir})
    expect(heir.end).toBeLessThan(2000)
  })

  it('hedges the tail of the slowest link from its current byte when nothing is left to split', () => {
    const map = new PieceMap(4 * 100, 100)
    map.take(0, 4, 1)
    claimAll(map, [100, 100, 100, 30])
    const slow = new Link(1, mirror(1), 330, 400, false, false)
    slow.rate = 5
    const fast = mirror(0, 1000)
    // In its first seconds a link's rate is a guess: no hedge yet.
    expect(nextSpan(map, fast, [slow], 1, limits)).toBeUndefined()
    ;(slow as {startedAt: number}).startedAt = Date.now() - HEDGE_GRACE_MS - 1
    const span = nextSpan(map, fast, [slow], 1, limits)
    expect(span).toMatchObject({offset: 330, end: 400, hedgeOf: slow})
    measure(fast, [6])
    expect(nextSpan(map, fast, [slow], 1, limits)).toBeUndefined()
    // Unknown speed: only a quiet link is hedged.
    measure(fast, [0])
    expect(nextSpan(map, fast, [slow], 1, limits)).toBeUndefined()
    slow.lastByteAt = Date.now() - 2000
    expect(nextSpan(map, fast, [slow], 1, limits)).toMatchObject({hedgeOf: slow})
  })

  it('does not hedge a live tail when the duplicate would end less than a quarter second sooner, but does a quiet one', () => {
    const map = new PieceMap(4 * 100, 100)
    map.take(0, 4, 1)
    claimAll(map, [100, 100, 100, 30])
    const tail = settled(new Link(1, mirror(1), 330, 400, false, false))
    const thief = mirror(0)
    measure(thief, [100_000], 100_000)
    thief.speed.noteSetup(10)
    // 70 bytes at 350 B/s: 0.2 s left; the thief would need 0.011 s, a gain the rates cannot promise.
    tail.rate = 350
    expect(nextSpan(map, thief, [tail], 1, limits)).toBeUndefined()
    // At 100 B/s the tail needs 0.7 s: worth a duplicate.
    tail.rate = 100
    expect(nextSpan(map, thief, [tail], 1, limits)).toMatchObject({hedgeOf: tail})
    tail.rate = 350
    tail.lastByteAt = Date.now() - 2000
    expect(nextSpan(map, thief, [tail], 1, limits)).toMatchObject({hedgeOf: tail})
  })

  it('hedges from the first byte not yet written, not from a position a batch still holds', () => {
    const map = new PieceMap(4 * 100, 100)
    map.take(0, 4, 1)
    // The victim received up to byte 330, but only 260 reached the writer: bytes 260-329 wait in its batch.
    claimAll(map, [100, 100, 60])
    const slow = settled(new Link(1, mirror(1), 330, 400, false, false))
    slow.lastByteAt = Date.now() - 2000
    expect(nextSpan(map, mirror(0, 1000), [slow], 1, limits)).toMatchObject({offset: 260, end: 400, hedgeOf: slow})
    claimAll(map, [100, 100, 100])
    expect(nextSpan(map, mirror(0, 1000), [slow], 1, limits)).toMatchObject({offset: 300, end: 400, hedgeOf: slow})
  })

  it('does not hedge a live link of a mirror faster per link than the thief, however slow the link looks, but does a quiet one', () => {
    // Its own rate says 14 s for the last 70 bytes; its mirror sends 1000 B/s per link.
    const {map, tail: young} = liveTail(1000, 5)
    const thief = mirror(0)
    measure(thief, [100], 100)
    expect(nextSpan(map, thief, [young], 1, limits)).toBeUndefined()
    young.lastByteAt = Date.now() - 2000
    expect(nextSpan(map, thief, [young], 1, limits)).toMatchObject({hedgeOf: young})
  })

  it("judges a live link by its mirror's whole delivery once it is the mirror's only link, though its own rate still shows a share", () => {
    // Its own rate (10 B/s) says 7 s for the last 70 bytes; alone on a mirror delivering 500 B/s it needs 0.14 s,
    // and a duplicate at 1000 B/s would end only 0.06 s sooner.
    const {map, tail: last, owner: slowMirror} = liveTail(500, 10)
    const thief = mirror(0)
    thief.speed.noteSetup(10)
    measure(thief, [1000], 1000)
    expect(nextSpan(map, thief, [last], 1, limits)).toBeUndefined()
    // Sharing the mirror with two more links, a third of 500 B/s is what it gets: 0.42 s, worth a duplicate.
    slowMirror.linkStarted()
    slowMirror.linkStarted()
    expect(nextSpan(map, thief, [last], 1, limits)).toMatchObject({hedgeOf: last})
  })

  it('does not hedge a live link from a mirror that still has work of its own, but does a quiet one', () => {
    const map = new PieceMap(4 * 100, 100)
    map.take(0, 4, 1)
    claimAll(map, [100, 100, 100, 30])
    const slow = settled(new Link(1, mirror(1), 330, 400, false, false))
    slow.rate = 5
    const busy = mirror(0, 1000)
    // The thief's mirror is still sending 500 bytes on another link: its bandwidth is taken.
    const own = settled(new Link(2, busy, 1000, 1500, false, false))
    own.rate = 1000
    expect(nextSpan(map, busy, [slow, own], 1, limits)).toBeUndefined()
    slow.lastByteAt = Date.now() - 2000
    expect(nextSpan(map, busy, [slow, own], 1, limits)).toMatchObject({hedgeOf: slow})
  })

  it('counts the duplicate an idle mirror is already sending before it hedges another link', () => {
    const map = new PieceMap(8 * 100, 100)
    map.take(0, 8, 1)
    claimAll(map, [100, 100, 100, 30, 100, 100, 100, 30])
    const [slowA, slowB] = [settled(new Link(1, mirror(1), 330, 400, false, false)), settled(new Link(2, mirror(2), 730, 800, false, false))]
    slowA.rate = 5
    slowB.rate = 4
    const thief = mirror(0)
    measure(thief, [10], 10)
    // Idle, a 10 B/s mirror would finish slowB's 70-byte tail in 7.5 s (0.5 s to start), well under its 17.5 s.
    expect(nextSpan(map, thief, [slowA, slowB], 1, limits)).toMatchObject({hedgeOf: slowB})
    // Already duplicating slowA's tail, it would need 14.5 s: not worth a second duplicate.
    const running = new Link(3, thief, 330, 400, true, false)
    slowA.partner = running
    running.partner = slowA
    thief.linkStarted()
    expect(nextSpan(map, thief, [slowA, slowB, running], 1, limits)).toBeUndefined()
  })
})
