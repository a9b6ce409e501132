// Where reference hashes enter a download: the user's checksums and the MirrorSet's, and piece hashes only when they cover the file.
import {describe, expect, it} from 'vitest'
import {referencesFor} from '../../../src/core/download/references.js'
import type {MirrorSet} from '../../../src/core/model.js'

const set = (pieces?: {length: number; hashes: string[]}): MirrorSet => ({
  version: 1,
  target: {name: 'f', checksums: [{algorithm: 'sha1', hex: 'aa'}], ...(pieces ? {pieces: {algorithm: 'sha1', ...pieces}} : {})},
  candidates: [],
})

describe('referencesFor', () => {
  it("puts the user's checksums before the MirrorSet's", () => {
    const references = referencesFor({checksums: [{algorithm: 'sha256', hex: 'bb'}], mirrorSet: set()}, 100)
    expect(references.checksums).toEqual([{algorithm: 'sha256', hex: 'bb'}, {algorithm: 'sha1', hex: 'aa'}])
    expect(references.pieceHashes).toBeUndefined()
  })

  it('takes piece hashes only when there is one for each piece of a file of this size', () => {
    const pieces = {length: 40, hashes: ['1', '2', '3']}
    expect(referencesFor({mirrorSet: set(pieces)}, 100).pieceHashes).toMatchObject(pieces)
    expect(referencesFor({mirrorSet: set(pieces)}, 200).pieceHashes).toBeUndefined()
    expect(referencesFor({mirrorSet: set(pieces)}, undefined).pieceHashes).toBeUndefined()
  })
})
