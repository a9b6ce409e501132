// Turns a MirrorSet into one of the file formats discover can write (json, metalink, mirrorlist, csv, aria2).
import type {MirrorSet} from '../model.js'
import {writeAria2Input} from './aria2-input.js'
import {writeCsv} from './csv.js'
import {writeMetalink} from './metalink-write.js'
import {writeMirrorList} from './mirrorlist.js'

export const FILE_FORMATS = ['json', 'metalink', 'mirrorlist', 'csv', 'aria2'] as const
export type FileFormat = (typeof FILE_FORMATS)[number]

const REJECTED = new Set(['mismatch', 'stale', 'unreachable'])

/** Only mirrors verify did not reject: lists handed to other tools (aria2c, shell loops) must not lead them to bad bytes. */
export function usableOnly(set: MirrorSet): MirrorSet {
  return {...set, candidates: set.candidates.filter((candidate) => !REJECTED.has(candidate.verify?.status ?? ''))}
}

/** JSON and CSV keep every candidate with its verdict; metalink, mirrorlist and aria2 input list only usable mirrors. */
export function renderMirrorSet(set: MirrorSet, format: FileFormat, generator?: string): string {
  if (format === 'metalink' || format === 'mirrorlist' || format === 'aria2') set = usableOnly(set)
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
