// Tests the rank table: measured rows with bars in order, failures with their reason, unmeasured rows, no credentials.
import {describe, expect, it} from 'vitest'
import {renderRankTable} from '../../src/cli/rank-table.js'

const stats = (median: number) => ({median, p90: median, sd: 0, moe: 1, samples: 3})

describe('renderRankTable', () => {
  it('renders rates, bars, failures and skipped mirrors', () => {
    const lines = renderRankTable({
      version: 1,
      target: {name: 'f.iso', checksums: []},
      candidates: [
        {url: 'http://fast/f.iso', foundBy: [], rank: {measuredAt: '', protocolMs: stats(20), ttfbMs: 25, bytesPerSecond: 4 * 1024 * 1024, predictedSeconds: 2}},
        {url: 'http://slow/f.iso', foundBy: [], rank: {measuredAt: '', protocolMs: stats(5), ttfbMs: 6, bytesPerSecond: 1024 * 1024, predictedSeconds: 8}},
        {url: 'http://u:pw@down/f.iso', foundBy: [], rank: {measuredAt: '', error: {code: 'ECONNREFUSED', message: 'http://u:pw@down/f.iso: refused'}}},
        {url: 'http://bad/f.iso', foundBy: [], verify: {status: 'mismatch', checks: [], checkedAt: '', summary: ''}},
      ],
    }).split('\n')
    expect(lines).toHaveLength(5)
    expect(lines[1]).toMatch(/^1\s+http:\/\/fast\/f\.iso\s+20 ms ±1\.00 ms\s+25 ms\s+4 MiB\/s\s+2\.0 s\s+█{24}$/)
    expect(lines[2]).toMatch(/1 MiB\/s\s+8\.0 s\s+█{6}$/)
    expect(lines[3]).toContain('failed: http://u:***@down/f.iso: refused (ECONNREFUSED)')
    expect(lines[4]).toContain('not measured (verify: mismatch)')
    expect(lines.join('\n')).not.toContain(':pw@')
  })
})
