import {describe, expect, it} from 'vitest'
import {renderDiscoverTable} from '../../src/cli/discover-table.js'
import {emptyMirrorSet} from '../../src/core/model.js'

describe('renderDiscoverTable', () => {
  it('shows the target, each candidate with its finders, and the warnings, with credentials redacted', () => {
    const set = emptyMirrorSet({name: 'f.iso', size: 42, checksums: [{algorithm: 'sha256', hex: 'ab'.repeat(32)}]})
    set.candidates.push(
      {url: 'http://a.example/f.iso', foundBy: ['primary']},
      {url: 'ftp://u:pw@b.example/f.iso', foundBy: ['list', 'search:bing'], priority: 3, location: 'de'},
    )
    set.warnings = [{source: 'search', code: 'EENGINE', message: 'bing: failed at http://u:pw@x.example/'}]
    expect(renderDiscoverTable(set)).toBe(
      [
        `f.iso (42 bytes, sha256 ${'ab'.repeat(8)}…): 2 candidates`,
        '  http://a.example/f.iso  [primary]',
        '  ftp://u:***@b.example/f.iso  [list, search:bing] pri 3 de',
        '  warning (search EENGINE): bing: failed at http://u:***@x.example/',
      ].join('\n'),
    )
  })
})
