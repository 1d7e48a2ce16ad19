/**
 * The prover's side of Presentation Exchange: which stored credentials answer a definition.
 *
 * @see https://identity.foundation/presentation-exchange/spec/v1.0.0/#input-evaluation
 */
import { PEX, type SubmissionRequirementMatch } from '@sphereon/pex'

import type { CredentialStore, StoredCredential } from '../credentials/store.js'
import { forEvaluation, type PresentationDefinition } from './definition.js'
import { PresentationUnsatisfiableError } from './errors.js'

/** What the store can offer for a definition. */
export interface CredentialSelection {
  /** Whether the candidates satisfy the definition. */
  satisfiable: boolean
  /** Every stored credential that matches at least one input descriptor. */
  candidates: StoredCredential[]
  /** One credential per matched descriptor (the most recently issued): a proposal to present. */
  chosen: StoredCredential[]
  /** Why the definition is not satisfied, when it is not. */
  problems: string[]
}

/** Options for {@link selectCredentials}. */
export interface SelectOptions {
  /** Credentials expired at this time are not offered; defaults to the current time. */
  now?: Date
}

/**
 * Evaluates a definition against the holder's stored credentials. Only credentials about the
 * holder and not expired are considered: a verifier would refuse any other.
 *
 * A descriptor that requires `limit_disclosure` cannot be answered: JWT credentials disclose
 * every claim, and `@sphereon/pex` does not refuse them on its own.
 */
export async function selectCredentials(
  store: CredentialStore,
  definition: PresentationDefinition,
  holder: string,
  options: SelectOptions = {},
): Promise<CredentialSelection> {
  const limited = definition.input_descriptors.filter(
    (descriptor) => descriptor.constraints?.limit_disclosure === 'required',
  )
  if (limited.length > 0) {
    const ids = limited.map((descriptor) => descriptor.id).join(', ')
    return {
      satisfiable: false,
      candidates: [],
      chosen: [],
      problems: [`limit_disclosure is required by ${ids}; JWT credentials disclose every claim`],
    }
  }

  const now = (options.now ?? new Date()).getTime()
  const usable = (await store.list()).filter(
    (credential) =>
      credential.subject === holder &&
      (credential.expirationDate === undefined || credential.expirationDate.getTime() > now),
  )

  const result = new PEX().selectFrom(
    forEvaluation(definition),
    usable.map((credential) => credential.jwt),
    { holderDIDs: [holder] },
  )

  const selected = (result.verifiableCredential ?? []).map((selectedJwt) =>
    usable.find((credential) => credential.jwt === selectedJwt),
  )
  const candidates = selected.filter((credential) => credential !== undefined)
  const chosen = unique(
    firstPaths(result.matches ?? []).map((path) => selected[indexOf(path)]),
  ).filter((credential) => credential !== undefined)

  return {
    satisfiable: result.areRequiredCredentialsPresent !== 'error',
    candidates,
    chosen,
    problems: (result.errors ?? []).map((error) => error.message ?? error.tag),
  }
}

/**
 * The credentials to present, or the reason there are none.
 *
 * @throws PresentationUnsatisfiableError (`ERR_PRESENTATION_UNSATISFIABLE`) when the selection
 *   does not satisfy the definition.
 */
export function chosenCredentials(selection: CredentialSelection): StoredCredential[] {
  if (!selection.satisfiable || selection.chosen.length === 0) {
    throw new PresentationUnsatisfiableError(
      `no stored credentials satisfy the definition: ${selection.problems.join('; ')}`,
    )
  }

  return selection.chosen
}

/**
 * `@sphereon/pex` reports one match per descriptor and credential, named after the descriptor
 * (its `name`, else its `id`): keep the first path of each name, which is the newest credential.
 */
function firstPaths(matches: readonly SubmissionRequirementMatch[]): string[] {
  const seen = new Set<string>()

  return matches.flatMap((match) => {
    const nested = firstPaths(match.from_nested ?? [])
    const key = `${match.from ?? ''}/${match.name ?? ''}`
    const first = match.vc_path[0]
    if (first === undefined || seen.has(key)) return nested

    seen.add(key)
    return [first, ...nested]
  })
}

function indexOf(path: string): number {
  const index = /^\$\.verifiableCredential\[(\d+)\]$/.exec(path)?.[1]
  return index === undefined ? -1 : Number(index)
}

function unique<T>(items: readonly T[]): T[] {
  return [...new Set(items)]
}
