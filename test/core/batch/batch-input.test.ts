// Batch input recognised by content: one MirrorSet, a JSON array, JSON lines, or an aria2c input file.
import {describe, expect, it} from 'vitest'
import {parseBatchInput} from '../../../src/core/batch/batch-input.js'

const set = (name: string) => ({version: 1, target: {name, checksums: []}, candidates: [{url: `http://a.example/${name}`, foundBy: ['list']}]})

describe('parseBatchInput', () => {
  it('reads one MirrorSet as before', () => {
    const input = parseBatchInput(JSON.stringify(set('a'), null, 2))
    expect(input.format).toBe('mirrorset')
    expect(input.items.map((item) => item.set.target.name)).toEqual(['a'])
  })

  it('reads a JSON array and JSON lines of MirrorSets', () => {
    expect(parseBatchInput(JSON.stringify([set('a'), set('b')])).items.map((item) => item.set.target.name)).toEqual(['a', 'b'])
    const lines = parseBatchInput(`${JSON.stringify(set('a'))}\n\n${JSON.stringify(set('b'))}\n`)
    expect(lines.format).toBe('mirrorsets')
    expect(lines.items.map((item) => item.set.target.name)).toEqual(['a', 'b'])
  })

  it('names the JSON line that is not a MirrorSet', () => {
    expect(() => parseBatchInput(`${JSON.stringify(set('a'))}\n{"version": 1}\n`)).toThrow(/^line 2: invalid MirrorSet/)
  })

  it('turns aria2 entries into MirrorSets with out=, dir= and checksums', () => {
    const input = parseBatchInput(`http://a.example/x.iso\thttp://b.example/x.iso\n  out=sub/y.iso\n  dir=d\n  checksum=md5=${'0'.repeat(32)}\nhttp://a.example/z%20z\n`)
    expect(input.format).toBe('aria2')
    expect(input.items[0]).toEqual({
      set: {version: 1, target: {name: 'y.iso', checksums: [{algorithm: 'md5', hex: '0'.repeat(32)}]}, candidates: [{url: 'http://a.example/x.iso', foundBy: ['input']}, {url: 'http://b.example/x.iso', foundBy: ['input']}]},
      out: 'sub/y.iso',
      directory: 'd',
    })
    expect(input.items[1]!.set.target.name).toBe('z z')
  })

  it('refuses an empty input', () => {
    expect(() => parseBatchInput('  \n')).toThrow(/empty/)
  })
})
