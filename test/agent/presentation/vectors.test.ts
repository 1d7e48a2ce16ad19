/**
 * The presentation-exchange fixtures of the WACI-DIDComm profile and the Aries Agent Test Harness,
 * read from `../shared/vectors` and never changed. Each README says how they should evaluate.
 */
import { readFileSync } from 'node:fs'
import { join } from 'node:path'

import { afterAll, beforeAll, describe, expect, it } from 'vitest'

import { issueCredential } from '../../../agent/credentials/issue.js'
import { CredentialStore } from '../../../agent/credentials/store.js'
import { verifyCredential } from '../../../agent/credentials/verify.js'
import { buildPresentation } from '../../../agent/presentation/build.js'
import { parseDefinition } from '../../../agent/presentation/definition.js'
import { selectCredentials } from '../../../agent/presentation/select.js'
import { evaluateSubmission } from '../../../agent/presentation/submission.js'
import { verifyPresentation } from '../../../agent/presentation/verify.js'
import { createCast, type Actor, type Cast } from '../credentials/actors.js'

const VECTORS = join(import.meta.dirname, '..', '..', '..', '..', 'shared', 'vectors')
const NOW = new Date('2026-06-01T12:00:00Z')

function vector(...path: string[]): Record<string, any> {
  return JSON.parse(readFileSync(join(VECTORS, ...path), 'utf8'))
}

/** AATH fills the `replace_me` proof type in at run time; so does this test, in memory. */
function filled(request: Record<string, any>, proofType: string): Record<string, any> {
  return JSON.parse(JSON.stringify(request).replaceAll('replace_me', proofType))
}

const waciRequest = vector(
  'waci-didcomm',
  'test-vectors',
  'presentation',
  '3.present-proof_request.json',
)
const waciPresentation = vector(
  'waci-didcomm',
  'test-vectors',
  'presentation',
  '4.present-proof_present.json',
)
const waciOptions = waciRequest['attachments'][0].data.json
const aathRequest = vector('aath', 'data', 'proof_request_citizenship_dif_pe.json')
const aathLimited = vector('aath', 'data', 'proof_request_citizenship_dif_pe_limit_disclosure.json')
const aathCredential = vector('aath', 'data', 'cred_data_schema_citizenship_context.json')[
  'Data_Citizenship'
].filters['json-ld'].credential

describe('the presentation-exchange fixtures', () => {
  let cast: Cast<'acme' | 'bob' | 'faber'>

  async function holdAsJwt(holder: Actor, issuer: Actor, source: Record<string, any>, at: Date) {
    const { id: _id, type: subjectType, ...claims } = source['credentialSubject']
    const issued = await issueCredential(issuer.veramo, {
      issuer: issuer.did,
      subject: holder.did,
      type: source['type'].find((type: string) => type !== 'VerifiableCredential'),
      claims: { ...claims, type: subjectType },
      now: at,
    })
    const verified = await verifyCredential(holder.veramo, issued.jwt, {
      holder: holder.did,
      sender: issuer.did,
      trustedIssuers: [],
      now: NOW,
    })
    return new CredentialStore(holder.veramo).save(verified)
  }

  beforeAll(async () => {
    cast = await createCast(['acme', 'bob', 'faber'])
    const { acme, bob } = cast.actors
    await holdAsJwt(
      bob,
      acme,
      waciPresentation['attachments'][0].data.json.verifiableCredential[0],
      new Date('2026-01-01T00:00:00Z'),
    )
    await holdAsJwt(bob, acme, aathCredential, new Date('2026-02-01T00:00:00Z'))
  })
  afterAll(async () => cast.close())

  describe('WACI-DIDComm present-proof', () => {
    const definition = parseDefinition(waciOptions.presentation_definition)

    it('accepts the published presentation as satisfying the published definition', () => {
      const presentation = waciPresentation['attachments'][0].data.json

      const evaluation = evaluateSubmission(
        definition,
        presentation,
        presentation['presentation_submission'],
      )

      expect(evaluation).toEqual({ satisfied: true, problems: [] })
    })

    it('answers the published request from the store with a JWT presentation the verifier accepts', async () => {
      const { acme, bob, faber } = cast.actors
      const store = new CredentialStore(bob.veramo)
      const selection = await selectCredentials(store, definition, bob.did, { now: NOW })

      const built = await buildPresentation(bob.veramo, {
        holder: bob.did,
        definition,
        credentials: selection.chosen,
        challenge: waciOptions.options.challenge,
        domain: waciOptions.options.domain,
        now: NOW,
      })
      const verification = await verifyPresentation(faber.veramo, built.jwt, {
        sender: bob.did,
        challenge: '3fa85f64-5717-4562-b3fc-2c963f66afa7',
        domain: '4jt78h47fh47',
        definition,
        trustedIssuers: [acme.did],
        now: NOW,
      })

      expect(selection.chosen.map((credential) => credential.type)).toEqual([
        ['VerifiableCredential', 'PermanentResidentCard'],
      ])
      expect(built.presentation_submission.definition_id).toBe(
        '3bc5ac72-bdd7-42de-aeba-45816cc4f776',
      )
      expect(verification.verified).toBe(true)
    })
  })

  describe('Aries Agent Test Harness present-proof v3 (DIF PE)', () => {
    it('refuses the request as published, before its proof type is filled in', () => {
      expect(() =>
        parseDefinition(aathRequest['presentation_request'].presentation_definition),
      ).toThrow(
        expect.objectContaining({
          code: 'ERR_PRESENTATION_DEFINITION_INVALID',
          message:
            'the presentation definition is not valid: root.presentation_definition: ' +
            'formats should only have known identifiers for alg or proof_type',
        }),
      )
    })

    it('selects the Citizenship credential for the request with Ed25519Signature2018 filled in', async () => {
      const { bob } = cast.actors
      const request = filled(aathRequest, 'Ed25519Signature2018')['presentation_request']
      const definition = parseDefinition(request.presentation_definition)

      const selection = await selectCredentials(
        new CredentialStore(bob.veramo),
        definition,
        bob.did,
        {
          now: NOW,
        },
      )

      expect(selection.satisfiable).toBe(true)
      expect(selection.chosen.map((credential) => credential.claims['familyName'])).toEqual([
        'SMITH',
      ])
      expect(selection.chosen.map((credential) => credential.claims['givenName'])).toEqual([
        'ALICE',
      ])
    })

    it('selects the data-model credential itself, and not one whose family name is not SMITH', () => {
      const request = filled(aathRequest, 'Ed25519Signature2018')['presentation_request']
      const definition = parseDefinition(request.presentation_definition)
      const signed = { ...aathCredential, issuer: 'did:example:acme', proof: EXAMPLE_PROOF }
      const jones = {
        ...signed,
        credentialSubject: { ...signed.credentialSubject, familyName: 'JONES' },
      }

      expect(evaluateSubmissionOf(definition, signed)).toBe(true)
      expect(evaluateSubmissionOf(definition, jones)).toBe(false)
    })

    it('cannot answer the limit-disclosure request with JWT credentials (BBS+ only)', async () => {
      const { bob } = cast.actors
      const request = filled(aathLimited, 'BbsBlsSignature2020')['presentation_request']
      const definition = parseDefinition(request.presentation_definition)

      const selection = await selectCredentials(
        new CredentialStore(bob.veramo),
        definition,
        bob.did,
        {
          now: NOW,
        },
      )

      expect(selection).toEqual({
        satisfiable: false,
        candidates: [],
        chosen: [],
        problems: [
          'limit_disclosure is required by citizenship_input_1; JWT credentials disclose every claim',
        ],
      })
    })
  })

  describe('WACI-DIDComm ghp fixtures (present-proof 2.0)', () => {
    it('refuses pd-0, which has no id and a schema that is not a list', () => {
      const pd0 = vector('waci-didcomm', 'ghp-fixtures', 'pd-0.json')

      expect(() => parseDefinition(pd0)).toThrow(
        expect.objectContaining({ code: 'ERR_PRESENTATION_DEFINITION_INVALID' }),
      )
    })
  })
})

const EXAMPLE_PROOF = {
  type: 'Ed25519Signature2018',
  proofPurpose: 'assertionMethod',
  verificationMethod: 'did:example:acme#key-1',
  created: '2020-01-01T12:00:00Z',
  jws: 'eyJhbGciOiJFZERTQSJ9..c2lnbmF0dXJl',
}

function evaluateSubmissionOf(definition: ReturnType<typeof parseDefinition>, credential: object) {
  const presentation = {
    '@context': ['https://www.w3.org/2018/credentials/v1'],
    type: ['VerifiablePresentation'],
    verifiableCredential: [credential],
  }
  const submission = {
    id: 'aath',
    definition_id: definition.id,
    descriptor_map: [
      { id: 'citizenship_input_1', format: 'ldp_vc', path: '$.verifiableCredential[0]' },
    ],
  }
  return evaluateSubmission(definition, presentation, submission).satisfied
}
