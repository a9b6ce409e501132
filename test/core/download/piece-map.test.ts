// The piece map: geometry, free runs, ownership release, and reset after a bad piece.
import {describe, expect, it} from 'vitest'
import {NO_OWNER, PieceMap} from '../../../src/core/download/piece-map.js'

describe('PieceMap', () => {
  it('cuts the file into pieces with a short last one', () => {
    const map = new PieceMap(10 * 1024 + 5, 1024)
    expect(map.count).toBe(11)
    expect(map.lengthOf(10)).toBe(5)
    expect(map.pieceAt(10 * 1024 + 4)).toBe(10)
    expect(map.end(10)).toBe(10 * 1024 + 5)
  })

  it('finds the longest free run, skipping done, owned and fully claimed pieces', () => {
    const map = new PieceMap(10 * 100, 100)
    map.markDone(2, 0)
    map.take(5, 6, 7)
    map.claim(9, 100)
    expect(map.longestFreeRun()).toEqual([6, 9])
    map.take(6, 9, 8)
    // Two runs of two: the first one found wins.
    expect(map.longestFreeRun()).toEqual([0, 2])
  })

  it('continues a partly written piece at its frontier and releases only its owner\'s pieces', () => {
    const map = new PieceMap(1000, 100)
    map.take(0, 5, 1)
    map.take(5, 10, 2)
    map.claim(3, 37)
    map.release(0, 10, 1)
    expect(map.ownerOf(4)).toBe(NO_OWNER)
    expect(map.ownerOf(5)).toBe(2)
    expect(map.frontier(3)).toBe(337)
    expect(map.longestFreeRun()).toEqual([0, 5])
  })

  it('records contributors and forgets them on reset', () => {
    const map = new PieceMap(300, 100)
    map.beginWrite(1, 0)
    map.beginWrite(1, 2)
    expect(map.contributors(1)).toEqual([0, 2])
    map.markDone(1, 2)
    // The first mirror that wrote to the piece is its deliverer.
    expect(map.deliverer(1)).toBe(0)
    expect(map.doneBytes).toBe(100)
    map.reset(1)
    expect(map.isDone(1)).toBe(false)
    expect(map.contributors(1)).toEqual([])
    expect(map.doneBytes).toBe(0)
  })

  it('takes only free pieces, or those of the link it steals from', () => {
    const map = new PieceMap(500, 100)
    map.take(0, 3, 1)
    map.take(3, 5, 2)
    map.take(0, 5, 3, 2)
    expect([0, 1, 2, 3, 4].map((piece) => map.ownerOf(piece))).toEqual([1, 1, 1, 3, 3])
  })

  it('completes a piece only when its last pending write lands and every byte is claimed', () => {
    const map = new PieceMap(200, 100)
    map.beginWrite(0, 0)
    map.claim(0, 60)
    map.beginWrite(0, 1)
    map.claim(0, 40)
    expect(map.frontier(0)).toBe(100)
    expect(map.endWrite(0)).toBe(false)
    expect(map.endWrite(0)).toBe(true)
    map.markDone(0, 1)
    expect(map.deliverer(0)).toBe(0)
    expect(map.snapshot()).toMatchObject({doneCount: 1, done: Uint8Array.from([1, 0]), deliveredBy: Int32Array.from([0, -1])})
  })

  it('discards a bad piece: forgotten, freed for any link, its contributors returned', () => {
    const map = new PieceMap(200, 100)
    map.take(0, 2, 4)
    map.beginWrite(0, 0)
    map.claim(0, 100)
    map.beginWrite(0, 1)
    expect(map.discard(0)).toEqual([0, 1])
    expect(map.ownerOf(0)).toBe(NO_OWNER)
    expect(map.ownerOf(1)).toBe(4)
    expect(map.frontier(0)).toBe(0)
    expect(map.longestFreeRun()).toEqual([0, 1])
  })
})
