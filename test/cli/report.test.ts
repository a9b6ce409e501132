// The one-screen report of get and demo: counts per source and verdict, reasons, rank order with rates, per-mirror shares, no credentials.
import {describe, expect, it} from 'vitest'
import {renderPipelineReport} from '../../src/cli/report.js'
import type {PipelineReport} from '../../src/core/pipeline.js'

const target = {name: 'f.iso', size: 4 * 1024 * 1024, checksums: [{algorithm: 'sha256' as const, hex: 'ab'.repeat(32)}]}
const verdict = (status: 'ok' | 'mismatch' | 'unreachable', summary: string) => ({status, checks: [], checkedAt: '2026-01-01T00:00:00Z', summary})
const candidates = [
  {url: 'https://a.example/f.iso', foundBy: ['primary'], verify: verdict('ok', 'the primary'), rank: {measuredAt: '', bytesPerSecond: 4_000_000}},
  {url: 'sftp://user:hunter2@b.example/f.iso', foundBy: ['list'], verify: verdict('ok', 'sampled'), rank: {measuredAt: '', bytesPerSecond: 1_000_000}},
  {url: 'https://c.example/f.iso', foundBy: ['list'], verify: verdict('mismatch', 'bytes 0-65535 differ from the primary')},
  {url: 'https://d.example/f.iso', foundBy: ['search:bing'], verify: {...verdict('unreachable', 'down'), error: {code: 'ENOTFOUND', message: 'not found (HTTP 404)'}}},
]
const set = {version: 1 as const, target, candidates}
const report: PipelineReport = {
  discover: set,
  verify: set,
  rank: set,
  durations: {discover: 400, verify: 1200, rank: 2500, fetch: 3000},
  fetch: {
    output: '/tmp/f.iso', name: 'f.iso', size: target.size, bytes: 5 * 1024 * 1024, resumedBytes: 0, durationMs: 3000, rate: 1_398_101, links: 6,
    mirrors: [
      {mirror: 0, url: 'https://a.example/f.iso', bytes: 4 * 1024 * 1024, rate: 1_398_101, pieces: 4, cuts: 0, faults: 0, state: 'active'},
      {mirror: 1, url: 'sftp://user:hunter2@b.example/f.iso', bytes: 1024 * 1024, rate: 349_525, pieces: 1, cuts: 1, faults: 0, state: 'active'},
    ],
    checks: [{name: 'checksum', ok: true, detail: 'sha256 of the whole file matches'}],
    proof: {status: 'verified', by: 'checksum', reference: {checksum: target.checksums[0]!, source: 'checksum-file', location: 'https://a.example/SHA256SUMS'}, culprits: []},
  },
}

describe('renderPipelineReport', () => {
  const text = renderPipelineReport(report)
  const lines = text.split('\n')

  it('says what each stage did, with counts, reasons and rates', () => {
    expect(lines[0]).toMatch(/^discover +4 candidates for f\.iso \(4 MiB, sha256 known\) in 400 ms: primary 1, list 2, search:bing 1$/)
    expect(text).toMatch(/verify +ok 2, mismatch 1, unreachable 1 in 1\.2 s/)
    expect(text).toContain('bytes 0-65535 differ from the primary')
    expect(text).toContain('ENOTFOUND: not found (HTTP 404)')
    expect(text).toMatch(/ 1 +https:\/\/a\.example\/f\.iso +3\.81 MiB\/s +█{16}/)
    expect(text).toMatch(/fetch +4 MiB in 3\.0 s .* over 6 links -> \/tmp\/f\.iso/)
    expect(text).toContain('received 5 MiB for 4 MiB')
    expect(text).toMatch(/https:\/\/a\.example\/f\.iso +4 MiB +80%/)
    expect(text).toContain('ok  checksum: sha256 of the whole file matches')
    expect(text).toContain('verified: sha256 from an unsigned checksum file, https://a.example/SHA256SUMS')
    // One screen: a report longer than a terminal defeats its purpose.
    expect(lines.length).toBeLessThanOrEqual(24)
  })

  it('never prints credentials', () => {
    expect(text).not.toContain('hunter2')
    expect(text).toContain('b.example/f.iso')
  })
})
