import {describe, expect, it} from 'vitest'
import {hasRelation, parseLinkHeader} from '../../../src/core/formats/link-header.js'

describe('parseLinkHeader', () => {
  it('reads RFC 6249 duplicates and describedby with quoted and bare parameters', () => {
    const {links, malformed} = parseLinkHeader(
      '<http://a.example/f.iso>; rel=duplicate; pri=1; geo=de, <http://b.example/f,iso>; rel="duplicate"; pri=2; pref, <f.iso.meta4>; rel=describedby; type="application/metalink4+xml"',
    )
    expect(malformed).toEqual([])
    expect(links).toEqual([
      {target: 'http://a.example/f.iso', params: {rel: 'duplicate', pri: '1', geo: 'de'}},
      {target: 'http://b.example/f,iso', params: {rel: 'duplicate', pri: '2', pref: ''}},
      {target: 'f.iso.meta4', params: {rel: 'describedby', type: 'application/metalink4+xml'}},
    ])
    expect(hasRelation(links[2]!, 'describedby')).toBe(true)
  })

  it('reports malformed parts instead of throwing', () => {
    const {links, malformed} = parseLinkHeader('garbage, <http://ok.example/>; rel=duplicate, <unterminated; rel=x; ;;; "')
    expect(links.map((link) => link.target)).toEqual(['http://ok.example/'])
    expect(malformed.length).toBeGreaterThanOrEqual(1)
    expect(() => parseLinkHeader('<<<>>>;;;===,,,"')).not.toThrow()
  })
})
