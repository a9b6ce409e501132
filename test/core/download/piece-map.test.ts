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
    map.setOwner(5, 6, 7)
    map.filled[9] = 100
    expect(map.longestFreeRun()).toEqual([6, 9])
    map.setOwner(6, 9, 8)
    // Two runs of two: the first one found wins.
    expect(map.longestFreeRun()).toEqual([0, 2])
  })

  it('continues a partly written piece at its frontier and releases only its owner\'s pieces', () => {
    const map = new PieceMap(1000, 100)
    map.setOwner(0, 5, 1)
    map.setOwner(5, 10, 2)
    map.filled[3] = 37
    map.release(0, 10, 1)
    expect(map.owner[4]).toBe(NO_OWNER)
    expect(map.owner[5]).toBe(2)
    expect(map.frontier(3)).toBe(337)
    expect(map.longestFreeRun()).toEqual([0, 5])
  })

  it('records contributors and forgets them on reset', () => {
    const map = new PieceMap(300, 100)
    map.addContributor(1, 0)
    map.addContributor(1, 2)
    expect(map.contributors(1)).toEqual([0, 2])
    map.markDone(1, 0)
    expect(map.doneBytes).toBe(100)
    map.reset(1)
    expect(map.done[1]).toBe(0)
    expect(map.contributors(1)).toEqual([])
    expect(map.doneBytes).toBe(0)
  })
})
