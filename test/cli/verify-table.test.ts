// Tests the verify table: one line per mirror with status and summary, totals, modification time, no credentials.
import {describe, expect, it} from 'vitest'
import {renderVerifyTable} from '../../src/cli/verify-table.js'

describe('renderVerifyTable', () => {
  it('shows status, summary and modification time, and hides passwords', () => {
    const text = renderVerifyTable({
      version: 1,
      target: {name: 'f.iso', size: 10, checksums: []},
      candidates: [
        {url: 'http://a/f.iso', foundBy: [], verify: {status: 'ok', checks: [], checkedAt: '', summary: 'size ok', modifiedAt: '2026-01-02T03:04:05.000Z'}},
        {url: 'ftp://user:hunter2@b/f.iso', foundBy: [], verify: {status: 'unreachable', checks: [], checkedAt: '', summary: 'unreachable: ftp://user:hunter2@b/f.iso refused (ECONNREFUSED)'}},
      ],
    })
    expect(text).toContain('f.iso (10 bytes): 1 ok, 1 unreachable')
    expect(text).toContain('(modified 2026-01-02 03:04:05Z)')
    expect(text).toContain('ftp://user:***@b/f.iso')
    expect(text).not.toContain('hunter2')
  })

  it('marks a stale mirror STALE and counts it apart from mismatches', () => {
    const text = renderVerifyTable({
      version: 1,
      target: {name: 'repomd.xml', size: 4761, checksums: []},
      candidates: [
        {url: 'http://a/repomd.xml', foundBy: [], verify: {status: 'stale', checks: [], checkedAt: '', summary: 'stale: serves the older version listed as alternate 1'}},
        {url: 'http://b/repomd.xml', foundBy: [], verify: {status: 'mismatch', checks: [], checkedAt: '', summary: 'size differs'}},
      ],
    })
    expect(text).toContain('repomd.xml (4761 bytes): 1 stale, 1 mismatch')
    expect(text).toContain('STALE       http://a/repomd.xml')
  })
})
