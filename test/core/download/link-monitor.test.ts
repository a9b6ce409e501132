// The link monitor: EWMA smoothing, stall, absolute floor, and the relative rule that needs a better mirror.
import {describe, expect, it} from 'vitest'
import {decideCuts, HEDGE_QUIET_MS, sampleRates} from '../../../src/core/download/link-monitor.js'
import {smooth} from '../../../src/core/download/mirror-speed.js'
import {Link} from '../../../src/core/download/link.js'
import {MirrorState} from '../../../src/core/download/mirror-state.js'
import type {Transport} from '../../../src/plugins/types.js'
import {measure} from './helpers.js'

const mirror = (id: number, rankedRate?: number) => new MirrorState(id, new URL(`http://m${id}.test/f`), {} as Transport, id, rankedRate)
const rules = {stallTimeoutMs: 5000, graceMs: 1000, lowestSpeed: 0, relativeSpeed: 0.3, perMirror: 4, maxTries: 5, minRemaining: 100}

function link(id: number, owner: MirrorState, rate: number, now: number): Link {
  const made = new Link(id, owner, 0, 1_000_000, false, false)
  made.firstByteAt = now - 2000
  made.lastByteAt = now
  made.rate = rate
  return made
}

describe('link monitor', () => {
  it('smooths rates and moves toward new samples', () => {
    expect(smooth(0, 1000, 250, true)).toBe(1000)
    const next = smooth(1000, 0, 250, false)
    expect(next).toBeLessThan(1000)
    expect(next).toBeGreaterThan(700)
  })

  it('measures per-link and per-mirror rates from byte counts', () => {
    const owner = mirror(0)
    const made = new Link(1, owner, 0, 100, false, false)
    made.firstByteAt = Date.now()
    made.bytes = 500
    sampleRates([made], [owner], 500)
    expect(made.rate).toBe(1000)
    expect(owner.speed.rate).toBe(1000)
    expect(owner.speed.linkRate).toBe(1000)
  })

  it("measures a mirror's throughput from its own byte count, undisturbed by a link that starts or ends", () => {
    const owner = mirror(0)
    const first = new Link(1, owner, 0, 1_000_000, false, false)
    first.firstByteAt = Date.now()
    // First sample: the mirror was not sending before it, so nothing is counted yet.
    first.bytes = 500
    owner.received(500)
    sampleRates([first], [owner], 500)
    expect(owner.speed.throughput).toBe(0)
    first.bytes = 1500
    owner.received(1000)
    sampleRates([first], [owner], 500)
    expect(owner.speed.throughput).toBe(2000)
    expect(owner.speed.soloRate).toBe(2000)
    // A second link starts and takes half the mirror's bandwidth: the sum of the links' smoothed rates is off for a while, the mirror's count is not.
    const second = new Link(2, owner, 500_000, 1_000_000, false, false)
    second.firstByteAt = Date.now()
    first.bytes += 500
    second.bytes = 500
    owner.received(1000)
    sampleRates([first, second], [owner], 500)
    expect(owner.speed.rate).not.toBe(2000)
    expect(owner.speed.throughput).toBe(2000)
    // Two links at once say nothing about what one link alone gets.
    expect(owner.speed.soloRate).toBe(2000)
    // The first link ends; its last bytes still count for the mirror.
    owner.received(1000)
    sampleRates([second], [owner], 500)
    expect(owner.speed.throughput).toBe(2000)
    // Idle: nothing is measured, and the last throughput is kept.
    sampleRates([], [owner], 500)
    sampleRates([], [owner], 500)
    expect(owner.speed.throughput).toBe(2000)
    expect(owner.speed.rate).toBe(0)
  })

  it('cuts stalled links, links below the floor, and far-slower links only when a faster mirror has room', () => {
    const now = Date.now()
    const [fast, slow] = [mirror(0, 1_000_000), mirror(1)]
    const quick = [link(1, fast, 1_000_000, now), link(2, fast, 1_000_000, now)]
    const crawling = link(3, slow, 10_000, now)
    expect(decideCuts([...quick, crawling], [fast, slow], now, rules)).toEqual([{link: crawling, reason: 'relative'}])
    for (let count = 0; count < 4; count++) fast.linkStarted()
    expect(decideCuts([...quick, crawling], [fast, slow], now, rules)).toEqual([])
    expect(decideCuts([crawling], [fast, slow], now, {...rules, lowestSpeed: 50_000})).toEqual([{link: crawling, reason: 'slow'}])
    crawling.lastByteAt = now - 6000
    expect(decideCuts([crawling], [fast, slow], now, rules)).toEqual([{link: crawling, reason: 'stall'}])
  })

  it('does not cut a far-slower link that would still end before the others', () => {
    const now = Date.now()
    const [fast, slow] = [mirror(0, 1_000_000), mirror(1)]
    const quick = [link(1, fast, 1_000_000, now), link(2, fast, 1_000_000, now)]
    // 5 KB at 10 KB/s: 0.5 s, while the fast links need 1 s for their 2 MB.
    const crawling = link(3, slow, 10_000, now)
    crawling.position = crawling.end - 5000
    expect(decideCuts([...quick, crawling], [fast, slow], now, rules)).toEqual([])
    crawling.position = crawling.end - 50_000
    expect(decideCuts([...quick, crawling], [fast, slow], now, rules)).toEqual([{link: crawling, reason: 'relative'}])
  })

  it('cuts a quiet hedge sooner than the stall timeout, so its partner can be hedged elsewhere', () => {
    const now = Date.now()
    const [a, b] = [mirror(0), mirror(1)]
    const original = link(1, a, 100_000, now)
    const spare = new Link(2, b, 500_000, 1_000_000, true, false)
    spare.partner = original
    original.partner = spare
    spare.lastByteAt = now - HEDGE_QUIET_MS + 500
    expect(decideCuts([original, spare], [a, b], now, rules)).toEqual([])
    spare.lastByteAt = now - HEDGE_QUIET_MS - 1
    expect(decideCuts([original, spare], [a, b], now, rules)).toEqual([{link: spare, reason: 'stall'}])
    // The same quiet spell on a link that is not a hedge is not a stall yet.
    original.lastByteAt = now - HEDGE_QUIET_MS - 1
    expect(decideCuts([original], [a, b], now, rules)).toEqual([])
  })

  it("judges a quiet link by its mirror: one starved behind siblings that deliver is not a stall, and gives its span back only after twice the timeout", () => {
    const now = Date.now()
    const owner = mirror(0)
    const [busy, starved] = [link(1, owner, 1_000_000, now), link(2, owner, 0, now)]
    starved.lastByteAt = now - 6000
    expect(decideCuts([busy, starved], [owner], now, rules)).toEqual([])
    starved.lastByteAt = now - 10_001
    expect(decideCuts([busy, starved], [owner], now, rules)).toEqual([{link: starved, reason: 'starved'}])
    // The whole mirror quiet: a stall.
    busy.lastByteAt = now - 6000
    starved.lastByteAt = now - 6000
    expect(decideCuts([busy, starved], [owner], now, rules)).toEqual([{link: busy, reason: 'stall'}, {link: starved, reason: 'stall'}])
  })

  it("does not cut a slow link of a mirror whose throughput per link is fine (its siblings took the bandwidth)", () => {
    const now = Date.now()
    const [shared, other] = [mirror(0), mirror(1, 1_000_000)]
    for (let count = 0; count < 2; count++) shared.linkStarted()
    measure(shared, [1_000_000, 10_000], 2_000_000)
    measure(other, [1_000_000], 1_000_000)
    const links = [link(1, shared, 1_000_000, now), link(2, shared, 10_000, now), link(3, other, 1_000_000, now)]
    expect(decideCuts(links, [shared, other], now, rules)).toEqual([])
  })

  it('cuts every link of a mirror that still sends but collapsed far below its best, while another mirror is faster', () => {
    const now = Date.now()
    const [degraded, healthy] = [mirror(0), mirror(1)]
    for (let count = 0; count < 2; count++) degraded.linkStarted()
    healthy.linkStarted()
    for (let second = 0; second < 3; second++) measure(degraded, [1_000_000, 1_000_000], 2_000_000)
    for (let second = 0; second < 3; second++) measure(healthy, [1_000_000], 1_000_000)
    const links = [link(1, degraded, 1_000_000, now), link(2, degraded, 1_000_000, now), link(3, healthy, 1_000_000, now)]
    expect(decideCuts(links, [degraded, healthy], now, rules)).toEqual([])
    for (let second = 0; second < 5; second++) measure(degraded, [10_000, 10_000], 20_000)
    expect(degraded.speed.collapsed).toBe(true)
    expect(decideCuts(links, [degraded, healthy], now, rules)).toEqual([
      {link: links[0], reason: 'relative'},
      {link: links[1], reason: 'relative'},
    ])
    // A mirror that sends nothing at all is left to the stall timeout.
    const later = Date.now() + 1000
    for (const quiet of links.slice(0, 2)) quiet.lastByteAt = later - 1000
    expect(decideCuts(links, [degraded, healthy], later, rules)).toEqual([])
  })

  it('cuts the links a collapse caught but not the probe that tests whether the mirror came back', () => {
    const [degraded, healthy] = [mirror(0), mirror(1)]
    for (let second = 0; second < 3; second++) measure(degraded, [1_000_000], 1_000_000)
    for (let second = 0; second < 3; second++) measure(healthy, [1_000_000], 1_000_000)
    const caught = link(1, degraded, 10_000, Date.now())
    measure(degraded, [10_000], 10_000)
    expect(degraded.speed.collapsed).toBe(true)
    const probe = new Link(2, degraded, 0, 1_000_000, false, false)
    Object.defineProperty(probe, 'startedAt', {value: degraded.speed.probeAt})
    probe.firstByteAt = probe.startedAt
    const now = degraded.speed.probeAt + 100
    caught.lastByteAt = now
    probe.lastByteAt = now
    const others = [link(3, healthy, 1_000_000, now)]
    expect(decideCuts([caught, probe, ...others], [degraded, healthy], now, rules)).toEqual([{link: caught, reason: 'relative'}])
  })

  it('gives up on a quiet hedge without benching its mirror while the mirror still delivers on its other links', () => {
    const now = Date.now()
    const [owner, other] = [mirror(0), mirror(1)]
    const victim = link(1, other, 1_000_000, now)
    const copy = new Link(2, owner, 0, 1_000_000, true, false)
    copy.firstByteAt = now - 2000
    copy.lastByteAt = now - HEDGE_QUIET_MS - 100
    copy.partner = victim
    victim.partner = copy
    const sibling = link(3, owner, 1_000_000, now)
    expect(decideCuts([victim, copy, sibling], [owner, other], now, rules)).toEqual([{link: copy, reason: 'starved'}])
    // Its whole mirror quiet: a stall, which benches it.
    sibling.lastByteAt = copy.lastByteAt
    expect(decideCuts([victim, copy, sibling], [owner, other], now, rules)).toEqual([{link: copy, reason: 'stall'}])
  })

  it('gives a new link its grace period', () => {
    const now = Date.now()
    const young = link(1, mirror(0), 1, now)
    young.firstByteAt = now - 100
    expect(decideCuts([young], [], now, {...rules, lowestSpeed: 50_000})).toEqual([])
  })
})
