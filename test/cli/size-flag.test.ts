// Byte sizes typed on the command line.
import {describe, expect, it} from 'vitest'
import {parseSize} from '../../src/cli/size-flag.js'

describe('parseSize', () => {
  it('parses sizes with binary multiples', () => {
    expect(parseSize('64K')).toBe(65536)
    expect(parseSize('1.5MiB')).toBe(1572864)
    expect(parseSize('1048576')).toBe(1048576)
    expect(() => parseSize('fast')).toThrow(/expected a size/)
  })
})
