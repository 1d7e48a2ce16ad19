/** Reads the DIDComm case files under ../shared/vectors, as described in their README. */
import { existsSync, readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'

import type { DIDDocument } from 'did-resolver'

import type { DidcommSecret } from '../../../agent/didcomm/sources.js'

/** Where the shared vectors live, relative to the repository root. */
export const VECTORS = join(import.meta.dirname, '..', '..', '..', '..', 'shared', 'vectors')

/** One case file. */
export interface VectorCase {
  folder: string
  file: string
  id: string
  packed: string
  didDocs: DIDDocument[]
  secrets: DidcommSecret[]
  unpackOptions: { expect_decrypt_by_all_keys?: boolean }
  expected: {
    outcome: 'unpack-ok' | 'reject'
    message?: Record<string, unknown>
    metadata?: Record<string, unknown>
    error_kind?: string
  }
  /** What didcomm-node 0.4.1 did with the case, as recorded by the collection. */
  observedErrorName?: string
}

/** Every case file of one folder, positive then negative, sorted by name. */
export function loadCases(folder: string): VectorCase[] {
  const root = join(VECTORS, folder)
  return ['positive', 'negative'].flatMap((kind) => {
    const dir = join(root, kind)
    if (!existsSync(dir)) return []
    return readdirSync(dir)
      .filter((name) => name.endsWith('.json'))
      .sort()
      .map((name) => readCase(root, folder, `${kind}/${name}`))
  })
}

function readCase(root: string, folder: string, file: string): VectorCase {
  const raw = JSON.parse(readFileSync(join(root, file), 'utf8'))
  const packed = raw.packed_raw !== undefined ? raw.packed_raw : JSON.stringify(raw.packed)
  const readJson = (path: string) => JSON.parse(readFileSync(join(root, path), 'utf8'))
  const observed = raw.observed?.['didcomm-node@0.4.1']

  return {
    folder,
    file,
    id: raw.id,
    packed,
    didDocs: (raw.resolver?.did_docs ?? []).map(readJson),
    secrets: raw.resolver?.secrets ? readJson(raw.resolver.secrets) : [],
    unpackOptions: raw.unpack_options ?? {},
    expected: raw.expected,
    observedErrorName: observed?.error_name,
  }
}
