import {describe, expect, it} from 'vitest'
import {CandidateCollector} from '../../../src/core/discovery/candidate-collector.js'

describe('CandidateCollector', () => {
  it('merges the same mirror found twice, keeping every finder, the best priority and the first location', () => {
    const collector = new CandidateCollector()
    collector.add({url: 'http://a.example/f.iso'}, 'primary')
    collector.add({url: 'HTTP://A.example:80/x/../f.iso#top', priority: 7}, 'headers')
    collector.add({url: 'http://b.example/f.iso', priority: 3, location: 'de'}, 'metalink')
    collector.add({url: 'http://b.example/f.iso', priority: 2, location: 'fr'}, 'search:bing')
    collector.add({url: 'http://c.example/f.iso'}, 'list')
    expect(collector.candidates()).toEqual([
      {url: 'http://a.example/f.iso', foundBy: ['primary', 'headers'], priority: 7},
      {url: 'http://b.example/f.iso', foundBy: ['metalink', 'search:bing'], priority: 2, location: 'de'},
      {url: 'http://c.example/f.iso', foundBy: ['list']},
    ])
    expect(collector.candidates(2)).toHaveLength(2)
  })

  it('drops unusable URLs and counts them in one warning per source', () => {
    const collector = new CandidateCollector()
    expect(collector.add({url: 'javascript:alert(1)//f.iso'}, 'search:duckduckgo')).toBe(false)
    collector.add({url: 'javascript:void(0)'}, 'search:bing')
    collector.add({url: 'data:,f.iso'}, 'search:bing')
    collector.add({url: 'http://'}, 'list')
    expect(collector.size).toBe(0)
    expect(collector.warnings()).toEqual([
      {source: 'search', code: 'ESCHEME', message: 'dropped 3 URL(s) with unsupported schemes (javascript: 2, data: 1)'},
      {source: 'list', code: 'EURL', message: 'dropped 1 malformed URL(s)'},
    ])
  })
})
