// The MirrorSet pipe format: what parses, and the exact message for what does not.
import {describe, expect, it} from 'vitest'
import {parseMirrorSet} from '../../src/core/model.js'

const valid = {version: 1, target: {name: 'f.iso', size: 10, checksums: [{algorithm: 'sha256', hex: 'ab'}]}, candidates: [{url: 'http://a/f.iso', foundBy: ['primary']}]}

describe('parseMirrorSet', () => {
  it('accepts a version 1 set and fills missing arrays', () => {
    const set = parseMirrorSet(JSON.stringify({...valid, target: {name: 'f'}, candidates: [{url: 'http://a/f'}]}))
    expect(set.target.checksums).toEqual([])
    expect(set.candidates[0]!.foundBy).toEqual([])
  })

  it('round-trips a full set', () => {
    expect(parseMirrorSet(JSON.stringify(valid))).toEqual(valid)
  })

  it.each([
    ['not json', /not JSON/],
    ['[]', /expected a JSON object/],
    [JSON.stringify({...valid, version: 2}), /version 2 is not supported \(this mirrorkit reads version 1\)/],
    [JSON.stringify({version: 1, candidates: []}), /missing "target"/],
    [JSON.stringify({...valid, target: {name: 'f', size: -1}}), /"target.size" must be a non-negative integer/],
    [JSON.stringify({...valid, target: {name: 'f', checksums: [{algorithm: 'crc32', hex: '00'}]}}), /checksums/],
    [JSON.stringify({...valid, candidates: [{}]}), /every candidate needs a "url"/],
  ])('refuses %s', (text, message) => {
    expect(() => parseMirrorSet(text)).toThrow(message)
    try {
      parseMirrorSet(text)
    } catch (error) {
      expect((error as {code: string; exitCode: number}).code).toBe('EMIRRORSET')
      expect((error as {exitCode: number}).exitCode).toBe(2)
    }
  })
})
