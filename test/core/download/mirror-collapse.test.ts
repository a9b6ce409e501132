// A mirror's collapse: judged on its last second of delivery against its best, kept out while collapsed, probed with one link later, and back when the probe measures it.
import {describe, expect, it} from 'vitest'
import {MirrorSpeed} from '../../../src/core/download/mirror-speed.js'
import {PROBE_FIRST_MS} from '../../../src/core/download/mirror-collapse.js'

const TICK = 250

/** Feeds `speed` monitor samples of 250 ms in which it sent at `rate` over `links` links; returns the clock after them. */
function send(speed: MirrorSpeed, state: {bytes: number; now: number}, rate: number, milliseconds: number, links = 2): number {
  for (let elapsed = 0; elapsed < milliseconds; elapsed += TICK) {
    state.bytes += (rate * TICK) / 1000
    state.now += TICK
    speed.sample(Array.from({length: links}, () => rate / links), state.bytes, TICK, state.now)
  }
  return state.now
}

function healthy(): {speed: MirrorSpeed; state: {bytes: number; now: number}} {
  const speed = new MirrorSpeed()
  const state = {bytes: 0, now: 1_000_000}
  send(speed, state, 10_000_000, 3000)
  return {speed, state}
}

describe('mirror collapse', () => {
  it('is declared within one second of a fall to 1 %, and sets the speeds the endgame plans with to what it delivers now', () => {
    const {speed, state} = healthy()
    expect(speed.collapsed).toBe(false)
    send(speed, state, 100_000, 1000)
    // A rate smoothed over one second would still be at 37 % of its best here.
    expect(speed.collapsed).toBe(true)
    expect(speed.throughput).toBeLessThan(500_000)
    expect(speed.linkRate).toBeLessThan(250_000)
    expect(speed.keepsOut(state.now, 0)).toBe(true)
  })

  it('is not declared for a half-second silence of a healthy server (a retransmission timeout)', () => {
    const {speed, state} = healthy()
    send(speed, state, 0, 500)
    send(speed, state, 10_000_000, 1000)
    expect(speed.collapsed).toBe(false)
  })

  it('lets one probe link in once the probe is due, and is back when that link measures it at speed', () => {
    const {speed, state} = healthy()
    send(speed, state, 100_000, 1000)
    expect(speed.collapsed).toBe(true)
    const probeAt = speed.probeAt
    expect(probeAt - state.now).toBe(PROBE_FIRST_MS)
    // Its caught links are cut; with no link its verdict stands, however long.
    state.now = probeAt - 1
    expect(speed.keepsOut(state.now, 0)).toBe(true)
    expect(speed.keepsOut(probeAt, 0)).toBe(false)
    // One probe link is running: no second one.
    expect(speed.keepsOut(probeAt, 1)).toBe(true)
    state.now = probeAt
    send(speed, state, 8_000_000, 1000, 1)
    expect(speed.collapsed).toBe(false)
    expect(speed.keepsOut(state.now, 1)).toBe(false)
  })

  it('waits twice as long for the next probe when a probe finds it still down', () => {
    const {speed, state} = healthy()
    send(speed, state, 100_000, 1000)
    const firstProbe = speed.probeAt
    state.now = firstProbe
    send(speed, state, 50_000, 1000, 1)
    expect(speed.collapsed).toBe(true)
    expect(speed.probeAt - state.now).toBe(2 * PROBE_FIRST_MS)
  })
})
