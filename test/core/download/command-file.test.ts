// The drop directives users write to <out>.mirrorkit.cmd.
import {describe, expect, it} from 'vitest'
import {parseDirectives} from '../../../src/core/download/command-file.js'

describe('command file', () => {
  it('reads drop and undrop lines and ignores anything else', () => {
    expect(parseDirectives('drop mirror.example:8080\n# note\nundrop http://a.example/f.iso\nexplode x\n  drop   b.example  \n')).toEqual([
      {action: 'drop', mirror: 'mirror.example:8080'},
      {action: 'undrop', mirror: 'http://a.example/f.iso'},
      {action: 'drop', mirror: 'b.example'},
    ])
  })
})
