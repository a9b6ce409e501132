// Turns a MirrorSet into one of the file formats discover can write (json, metalink, mirrorlist, csv, aria2).
import type {MirrorSet} from '../model.js'
import {writeAria2Input} from './aria2-input.js'
import {writeCsv} from './csv.js'
import {writeMetalink} from './metalink-write.js'
import {writeMirrorList} from './mirrorlist.js'

export const FILE_FORMATS = ['json', 'metalink', 'mirrorlist', 'csv', 'aria2'] as const
export type FileFormat = (typeof FILE_FORMATS)[number]

export function renderMirrorSet(set: MirrorSet, format: FileFormat, generator?: string): string {
  switch (format) {
    case 'json':
      return JSON.stringify(set, null, 2) + '\n'
    case 'metalink':
      return writeMetalink(set, generator)
    case 'mirrorlist':
      return writeMirrorList(set)
    case 'csv':
      return writeCsv(set)
    case 'aria2':
      return writeAria2Input(set)
  }
}
