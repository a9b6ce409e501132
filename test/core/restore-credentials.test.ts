// restoreCredentials: only URLs the caller knows get their password back, and nothing else changes.
import {describe, expect, it} from 'vitest'
import {restoreCredentials} from '../../src/core/restore-credentials.js'

describe('restoreCredentials', () => {
  const set = {
    version: 1 as const,
    target: {name: 'f', checksums: [], primary: 'ftp://u:***@a.example/f'},
    candidates: [{url: 'ftp://u:***@a.example/f', foundBy: ['primary']}, {url: 'ftp://v:***@b.example/f', foundBy: ['list']}, {url: 'https://c.example/f', foundBy: ['list']}],
  }

  it('maps redacted URLs back to the known originals, leaving unknown ones redacted', () => {
    const restored = restoreCredentials(set, ['ftp://u:hunter2@a.example/f'])
    expect(restored.target.primary).toBe('ftp://u:hunter2@a.example/f')
    expect(restored.candidates.map((candidate) => candidate.url)).toEqual(['ftp://u:hunter2@a.example/f', 'ftp://v:***@b.example/f', 'https://c.example/f'])
    // The input is not modified: the redacted set can still be shown.
    expect(set.candidates[0]!.url).toBe('ftp://u:***@a.example/f')
  })

  it('returns the set itself when no known URL has a password', () => {
    expect(restoreCredentials(set, ['https://c.example/f'])).toBe(set)
  })
})
