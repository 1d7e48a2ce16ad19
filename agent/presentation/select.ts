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

/** What the prover presents for a definition: {@link CredentialSelection} without the candidates. */
export type CredentialProposal = Omit<CredentialSelection, 'candidates'>

/** Options for {@link proposeCredentials}. */
export interface ProposeOptions extends SelectOptions {
  /** How many of the newest usable credentials are evaluated first; defaults to 4. */
  window?: number
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
  const refused = refusal(definition)
  if (refused !== undefined) return refused

  return evaluate(definition, await usableCredentials(store, holder, options), holder)
}

/**
 * What {@link selectCredentials} would choose, without evaluating every stored credential when
 * the newest ones suffice: the prover's answer to a request.
 *
 * Without `submission_requirements` or `same_subject`, `@sphereon/pex` judges each credential
 * against each descriptor on its own, and the chosen credential of a descriptor is its newest
 * match. So when the newest usable credentials satisfy the definition, the choice among them is
 * the choice among all. The newest `window` are evaluated first, then four times as many, and so
 * on; when no such prefix satisfies the definition, every usable credential is evaluated, as
 * {@link selectCredentials} does, and its problems are reported (a refusal costs at most a third
 * more than evaluating all at once).
 */
export async function proposeCredentials(
  store: CredentialStore,
  definition: PresentationDefinition,
  holder: string,
  options: ProposeOptions = {},
): Promise<CredentialProposal> {
  const refused = refusal(definition)
  if (refused !== undefined) return refused

  const usable = await usableCredentials(store, holder, options)
  if (judgesEachCredentialAlone(definition)) {
    for (let size = Math.max(1, options.window ?? 4); size < usable.length; size *= 4) {
      const newest = evaluate(definition, usable.slice(0, size), holder)
      if (newest.satisfiable && newest.chosen.length > 0 && newest.problems.length === 0) {
        return newest
      }
    }
  }

  return evaluate(definition, usable, holder)
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

function refusal(definition: PresentationDefinition): CredentialSelection | undefined {
  const limited = definition.input_descriptors.filter(
    (descriptor) => descriptor.constraints?.limit_disclosure === 'required',
  )
  if (limited.length === 0) return undefined

  const ids = limited.map((descriptor) => descriptor.id).join(', ')
  return {
    satisfiable: false,
    candidates: [],
    chosen: [],
    problems: [`limit_disclosure is required by ${ids}; JWT credentials disclose every claim`],
  }
}

/** The stored credentials about the holder and not expired, most recently issued first. */
async function usableCredentials(
  store: CredentialStore,
  holder: string,
  options: SelectOptions,
): Promise<StoredCredential[]> {
  const now = (options.now ?? new Date()).getTime()

  return (await store.list()).filter(
    (credential) =>
      credential.subject === holder &&
      (credential.expirationDate === undefined || credential.expirationDate.getTime() > now),
  )
}

function evaluate(
  definition: PresentationDefinition,
  usable: readonly StoredCredential[],
  holder: string,
): CredentialSelection {
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

/** Whether no rule of the definition relates one credential to the others. */
function judgesEachCredentialAlone(definition: PresentationDefinition): boolean {
  if ((definition.submission_requirements ?? []).length > 0) return false

  return definition.input_descriptors.every(
    (descriptor) =>
      descriptor.constraints === undefined || !('same_subject' in descriptor.constraints),
  )
}
