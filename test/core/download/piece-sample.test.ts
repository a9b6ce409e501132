// Which pieces the end checks re-read: a quota per mirror for samples, and the culprit hunt's order over every piece.
import {describe, expect, it} from 'vitest'
import {huntOrder, samplePieces} from '../../../src/core/download/piece-sample.js'
import {PieceMap} from '../../../src/core/download/piece-map.js'

/** 100 pieces: mirror 0 sent the first 90, mirror 1 the next 8, mirror 2 the last 2. */
function unevenMap(): PieceMap {
  const map = new PieceMap(100 * 10, 10)
  for (let piece = 0; piece < 100; piece++) map.markDone(piece, piece < 90 ? 0 : piece < 98 ? 1 : 2)
  return map
}

describe('samplePieces', () => {
  it('samples done pieces only, and counts pieces compared earlier toward each mirror\'s quota', () => {
    const map = new PieceMap(10 * 100, 100)
    for (let piece = 0; piece < 8; piece++) map.markDone(piece, piece % 2)
    const all = samplePieces(map, 2, 7)
    expect(all).toHaveLength(4)
    expect(all.every((piece) => piece < 8)).toBe(true)
    const evens = [0, 2]
    const rest = samplePieces(map, 2, 7, new Set(evens))
    // Mirror 0 has its two already; mirror 1 still needs two.
    expect(rest).toHaveLength(2)
    expect(rest.every((piece) => piece % 2 === 1)).toBe(true)
  })

  it('does not let small seeds decide the first swap of a shuffle', () => {
    const map = new PieceMap(2 * 10, 10)
    map.markDone(0, 0)
    map.markDone(1, 0)
    // Unhashed, xorshift's first draw from seeds 1-16 is below 0.001: a quota of one from two pieces always took the second.
    const picked = new Set(Array.from({length: 16}, (_, index) => samplePieces(map, 1, index + 1)[0]))
    expect(picked).toEqual(new Set([0, 1]))
  })
})

describe('huntOrder', () => {
  it('starts with each mirror\'s quota, then holds every other done piece exactly once', () => {
    const map = unevenMap()
    map.reset(50)
    const order = huntOrder(map, 4, 3)
    expect(new Set(order.slice(0, 10))).toEqual(new Set(samplePieces(map, 4, 3)))
    expect(order.slice(0, 10).filter((piece) => piece >= 98)).toHaveLength(2)
    expect(order).toHaveLength(99)
    expect(new Set(order).size).toBe(99)
    expect(order).not.toContain(50)
  })

  it('shuffles the rest across mirrors instead of going mirror by mirror or in file order', () => {
    const order = huntOrder(unevenMap(), 4, 3).slice(10)
    const ascending = order.every((piece, index) => index === 0 || piece > order[index - 1]!)
    expect(ascending).toBe(false)
    // Mirror 1's four remaining pieces do not all wait behind mirror 0's 86.
    expect(order.findIndex((piece) => piece >= 90 && piece < 98)).toBeLessThan(86)
  })

  it('is the same for the same seed and differs for another', () => {
    expect(huntOrder(unevenMap(), 4, 9)).toEqual(huntOrder(unevenMap(), 4, 9))
    expect(huntOrder(unevenMap(), 4, 9)).not.toEqual(huntOrder(unevenMap(), 4, 10))
  })
})
