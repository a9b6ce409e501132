// Blame for pieces that fail their hash: liars pay, honest mirrors that shared a piece with them do not.
import {describe, expect, it} from 'vitest'
import {judgeBadPiece, type Suspicion} from '../../../src/core/download/blame.js'

/** A small court: mirrors 0..n, with the suspicions and convictions that the verdicts produce. */
function court() {
  const liars = new Set<number>()
  const suspicions = new Map<number, Suspicion[]>()
  return {
    liars,
    judge(piece: number, contributors: number[]) {
      const verdicts = judgeBadPiece(piece, contributors, (id) => liars.has(id), (id) => suspicions.get(id) ?? [])
      for (const id of verdicts.suspect) suspicions.set(id, [...(suspicions.get(id) ?? []), {piece, partners: contributors.filter((other) => other !== id)}])
      for (const id of verdicts.convict) liars.add(id)
      return verdicts
    },
  }
}

describe('judgeBadPiece', () => {
  it('convicts a sole sender at once', () => {
    expect(court().judge(3, [2])).toEqual({convict: [2], suspect: []})
  })

  it('clears an honest partner of a proven liar, before and after the liar is caught', () => {
    const c = court()
    expect(c.judge(10, [1, 6])).toEqual({convict: [], suspect: [1, 6]}) // unclear yet
    expect(c.judge(0, [6])).toEqual({convict: [6], suspect: []}) // 6 lies on its own
    expect(c.judge(24, [1, 6])).toEqual({convict: [], suspect: []}) // explained by 6
    expect(c.judge(30, [1, 2])).toEqual({convict: [], suspect: [1, 2]}) // the piece shared with 6 no longer counts against 1
    expect([...c.liars]).toEqual([6])
  })

  it('never convicts either of a pair that only ever failed together', () => {
    const c = court()
    c.judge(1, [1, 6])
    c.judge(2, [1, 6])
    expect(c.judge(3, [1, 6]).convict).toEqual([])
  })

  it('convicts the common factor of bad pieces shared with different partners', () => {
    const c = court()
    c.judge(1, [5, 1])
    expect(c.judge(2, [5, 2]).convict).toEqual([5])
    expect([...c.liars]).toEqual([5])
  })
})
