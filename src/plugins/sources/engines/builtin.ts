// The built-in search-engine definitions, as data: a user overrides any of them by name in the config file or --engine-file.
import type {EngineDefinition} from '../../../core/discovery/engine-definition.js'

export const builtinEngines: readonly EngineDefinition[] = [
  {
    // Public instances usually refuse format=json; the user's own instance enables it in settings.yml.
    name: 'searxng',
    kind: 'json',
    path: '/search?q={query}&format=json',
    results: {jsonPath: 'results[].url', titlePath: 'results[].title'},
  },
  {
    name: 'duckduckgo',
    kind: 'html',
    base: 'https://html.duckduckgo.com',
    path: '/html/?q={query}',
    results: {selector: 'a.result__a', attribute: 'href'},
    unwrap: {param: 'uddg'},
  },
  {
    name: 'bing',
    kind: 'html',
    base: 'https://www.bing.com',
    path: '/search?q={query}',
    results: {selector: 'li.b_algo h2 a', attribute: 'href'},
    unwrap: {base64Param: 'u', prefix: 'a1'},
  },
  {
    // axel -S style: exact name and exact size, results are ftp:// URLs in a <pre class=list> block.
    name: 'filesearching',
    kind: 'html',
    base: 'http://www.filesearching.com',
    path: '/cgi-bin/s?q={name}&w=a&l=en&t=f&e=on&m=20&o=n&s1={size}&s2={size}',
    queries: ['{name}'],
    results: {selector: 'a', attribute: 'href'},
    pre: 'pre.list',
  },
]
