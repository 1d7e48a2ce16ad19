/**
 * DIF presentation definitions: validating one received or configured, and preparing it for
 * evaluation by `@sphereon/pex`.
 *
 * @see https://identity.foundation/presentation-exchange/spec/v1.0.0/#presentation-definition
 */
import { PEX, type IPresentationDefinition } from '@sphereon/pex'

import { isRecord } from '../credentials/jwt.js'
import { PresentationDefinitionInvalidError } from './errors.js'

/** A presentation definition, version 1 or 2, as `@sphereon/pex` types it. */
export type PresentationDefinition = IPresentationDefinition

/**
 * Checks that a value is a presentation definition (v1 or v2) and returns it typed.
 *
 * @throws PresentationDefinitionInvalidError (`ERR_PRESENTATION_DEFINITION_INVALID`) naming every
 *   problem the validator found.
 */
export function parseDefinition(value: unknown): PresentationDefinition {
  if (!isRecord(value)) {
    throw new PresentationDefinitionInvalidError('a presentation definition must be an object')
  }

  let problems: string[]
  try {
    const checked = PEX.validateDefinition(value as unknown as PresentationDefinition)
    problems = (Array.isArray(checked) ? checked : [checked])
      .filter((check) => check.status === 'error')
      .map((check) => `${check.tag}: ${check.message ?? 'invalid'}`)
  } catch (cause) {
    throw new PresentationDefinitionInvalidError('the presentation definition is not valid', {
      cause,
    })
  }
  if (problems.length > 0) {
    throw new PresentationDefinitionInvalidError(
      `the presentation definition is not valid: ${problems.join('; ')}`,
    )
  }

  return value as unknown as PresentationDefinition
}

/**
 * The definition as handed to `@sphereon/pex`, adjusted in two ways, both only ever widening a
 * field's alternative paths or a schema's alternative URIs.
 *
 * JWT credentials are evaluated against their decoded JWT payload, where the data model's
 * properties sit under `vc` and some move to registered claims. Definitions written for the data
 * model (`$.credentialSubject.familyName`, as in the WACI-DIDComm and Aries test harness
 * fixtures) would match nothing, so each path `$.x` also admits `$.vc.x`, and `$.issuer`,
 * `$.credentialSubject.id` and `$.id` also admit `$.iss`, `$.sub` and `$.jti`. Dates are not
 * translated: `exp` and `nbf` are numbers, not the data model's date strings.
 *
 * Presentation Exchange v1 names a credential's schema by URI. Those fixtures use expanded
 * JSON-LD type IRIs (`https://w3id.org/citizenship#PermanentResident`), which `@sphereon/pex` 4.1
 * does not compute: it compares schema URIs with a credential's contexts and type names as
 * written. So each URI with a fragment also admits the type name the fragment holds. The limit:
 * the vocabulary before `#` is not checked against the credential's contexts, so a type of the
 * same name from another vocabulary also passes the schema filter (the definition's constraints
 * and the issuer trust check still apply).
 */
export function forEvaluation(definition: PresentationDefinition): PresentationDefinition {
  const descriptors = definition.input_descriptors.map((descriptor) => {
    const widened: Record<string, unknown> = { ...descriptor }

    if ('schema' in descriptor && Array.isArray(descriptor.schema)) {
      widened['schema'] = descriptor.schema.flatMap((entry) => {
        const fragment = entry.uri.split('#')[1]
        return fragment ? [entry, { ...entry, uri: fragment }] : [entry]
      })
    }

    const fields = descriptor.constraints?.fields
    if (descriptor.constraints && fields) {
      widened['constraints'] = {
        ...descriptor.constraints,
        fields: fields.map((field) => ({ ...field, path: withJwtPaths(field.path) })),
      }
    }

    return widened
  })

  return { ...definition, input_descriptors: descriptors } as unknown as PresentationDefinition
}

const REGISTERED_CLAIMS: Record<string, string> = {
  '$.issuer': '$.iss',
  '$.issuer.id': '$.iss',
  '$.credentialSubject.id': '$.sub',
  '$.id': '$.jti',
}

function withJwtPaths(paths: readonly string[]): string[] {
  const extra = paths.flatMap((path) => {
    const registered = REGISTERED_CLAIMS[path]
    if (registered !== undefined) return [registered]
    if (path.startsWith('$.vc.') || !path.startsWith('$.')) return []
    return [`$.vc.${path.slice(2)}`]
  })

  return [...new Set([...paths, ...extra])]
}
