// rankMirrors against real local HTTP mirrors: failures last with their reason, rejected mirrors skipped, top N kept.
// (Its rates and round trips against the caps are timing-bound: rank.timing.test.ts, run by `npm run test:timing`.)
import {describe, expect, it} from 'vitest'
import type {MirrorSet} from '../../../src/core/model.js'
import {rankMirrors} from '../../../src/core/ranking/rank.js'
import {rankOptions, SIZE, useCappedMirrors} from './capped-mirrors.js'

const fixture = useCappedMirrors()

describe('rankMirrors', () => {
  it('puts failures last with their reason, skips mirrors verify rejected, and keeps the top N', async () => {
    const signal = AbortSignal.timeout(30_000)
    const {urls, down} = fixture
    const set: MirrorSet = {
      version: 1,
      target: {name: 'f.bin', size: SIZE, checksums: []},
      candidates: [
        {url: down, foundBy: []},
        {url: urls[3]!, foundBy: [], verify: {status: 'mismatch', checks: [], checkedAt: '', summary: 'size differs'}},
        {url: urls[0]!, foundBy: []},
        {url: urls[2]!, foundBy: []},
      ],
    }
    const ranked = await rankMirrors(set, rankOptions(fixture.transports, {rttSamples: 1}), {signal})
    expect(ranked.candidates.map((candidate) => candidate.url)).toEqual([urls[0], urls[2], down, urls[3]])
    expect(ranked.candidates[2]!.rank).toMatchObject({error: {code: 'ECONNREFUSED'}})
    expect(ranked.candidates[3]!.rank).toBeUndefined()
    const top = await rankMirrors(set, rankOptions(fixture.transports, {top: 1, includeAll: true, rttSamples: 1, parallel: 4}), {signal})
    expect(top.candidates.map((candidate) => candidate.url)).toEqual([urls[0]])
  })
})
