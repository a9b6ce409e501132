// Reads Gentoo's distfiles mirror list (distfiles.xml, what mirrorselect reads): <mirrorgroup country> <mirror> <uri protocol ipv4 ipv6>.
import {asDirectory, type ListEntry, type ListReading} from './mirrorlist-entry.js'
import {attributeOf, childrenNamed, firstChild, type XmlElement} from './xml-tree.js'

export function isGentooMirrors(root: XmlElement): boolean {
  return root.namespace === '' && root.name === 'mirrors' && childrenNamed(root, '', 'mirrorgroup').length > 0
}

const yes = (value: string | undefined) => (value === undefined ? undefined : value.toLowerCase() === 'y')

export function readGentooMirrors(root: XmlElement): ListReading {
  const entries: ListEntry[] = []
  let partial = 0
  for (const group of childrenNamed(root, '', 'mirrorgroup')) {
    const country = attributeOf(group, 'country')?.trim().toLowerCase()
    for (const mirror of childrenNamed(group, '', 'mirror')) {
      const site = firstChild(mirror, '', 'name')?.text.trim()
      for (const uri of childrenNamed(mirror, '', 'uri')) {
        const url = uri.text.trim()
        if (!url) continue
        if (attributeOf(uri, 'partial') === 'y') partial++
        const ipv4 = yes(attributeOf(uri, 'ipv4'))
        const ipv6 = yes(attributeOf(uri, 'ipv6'))
        entries.push({
          url: asDirectory(url),
          ...(country && /^[a-z]{2}$/.test(country) ? {location: country} : {}),
          ...(site ? {site} : {}),
          ...(ipv4 === undefined ? {} : {ipv4}),
          ...(ipv6 === undefined ? {} : {ipv6}),
        })
      }
    }
  }
  // mirrorselect leaves partial mirrors out unless asked; they are kept here and named, since verify checks each file anyway.
  const notes = partial > 0 ? [{code: 'ELIST', message: `${partial} URL(s) are of partial mirrors (partial="y"); verify will tell which hold the file`}] : []
  return {entries, notes}
}
