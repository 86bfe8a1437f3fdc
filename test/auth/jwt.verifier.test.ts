import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  AuthenticationFailed,
  bearerToken,
  createJwtVerifier,
  type AuthFailureCode,
  type JwtVerifier,
  type JwtVerifierSettings,
} from '../../src/auth/jwt.verifier.js';
import {
  badTokens,
  EXPECTED_REFUSALS,
  hs256Token,
  KIDS,
  nowSeconds,
  startTestJwks,
  type BadTokens,
  type TestJwks,
} from '../support/jwt.fixtures.js';

let idp: TestJwks;

beforeAll(async () => {
  idp = await startTestJwks();
});
afterAll(async () => {
  await idp.close();
});

function settings(overrides: Partial<JwtVerifierSettings> = {}): JwtVerifierSettings {
  return {
    jwksUrl: idp.jwksUrl,
    issuer: idp.issuer,
    audience: idp.audience,
    scopesClaim: 'scope',
    customerClaim: 'bond_customer_id',
    jwksCooldownMs: 0,
    ...overrides,
  };
}

/** The refusal a verification ends in, so each case asserts its code in one line. */
async function refusal(verifier: JwtVerifier, token: string): Promise<AuthenticationFailed> {
  try {
    await verifier.verify(token);
  } catch (error) {
    if (error instanceof AuthenticationFailed) return error;
    throw error;
  }
  throw new Error('the token was accepted');
}

async function expectRefused(verifier: JwtVerifier, token: string, code: AuthFailureCode): Promise<void> {
  expect((await refusal(verifier, token)).code).toBe(code);
}

describe('the refusal battery', () => {
  let bad: BadTokens;
  let verifier: JwtVerifier;
  beforeAll(async () => {
    bad = await badTokens(idp);
    verifier = createJwtVerifier(settings());
  });

  for (const [name, code] of Object.entries(EXPECTED_REFUSALS) as Array<[keyof BadTokens, AuthFailureCode]>) {
    it(`refuses ${name} as ${code}, with a message that gives nothing away`, async () => {
      const error = await refusal(verifier, bad[name]);
      expect(error.code).toBe(code);
      expect(error.message).toMatch(/^the /);
      expect(error.message).not.toContain(bad[name].slice(0, 20));
      expect(error.cause).toBeUndefined();
    });
  }

  it('refuses a token over 8 kB without fetching the keys', async () => {
    const before = idp.requests;
    await expectRefused(createJwtVerifier(settings()), bad.oversized, 'too_large');
    expect(idp.requests).toBe(before);
  });

  it('refuses a token without exp or with a sub that is not a non-empty string', async () => {
    await expectRefused(verifier, await idp.sign({ exp: undefined }), 'missing_exp');
    await expectRefused(verifier, await idp.sign({ sub: '' }), 'missing_sub');
    await expectRefused(verifier, await idp.sign({ sub: 42 }), 'missing_sub');
  });
});

describe('valid tokens', () => {
  const verifier = (): JwtVerifier => createJwtVerifier(settings());

  it.each([KIDS.rsa, KIDS.ec, KIDS.ed])('accepts a token signed by %s', async (kid) => {
    const token = await idp.sign({ sub: 'investor-7', scope: 'auctions:read bids:read' }, { kid });
    const caller = await verifier().verify(token);
    expect(caller.id).toBe('investor-7');
    expect([...caller.scopes].sort()).toEqual(['auctions:read', 'bids:read']);
    expect(caller.customerId).toBeUndefined();
  });

  it('reads scopes from an array and drops unknown scope names', async () => {
    const token = await idp.sign({ scp: ['applications:read', 'admin:everything', 7, 'pii:read'] });
    const caller = await createJwtVerifier(settings({ scopesClaim: 'scp' })).verify(token);
    expect([...caller.scopes].sort()).toEqual(['applications:read', 'pii:read']);
  });

  it('drops unknown names from a scope string, whatever the spacing', async () => {
    const caller = await verifier().verify(await idp.sign({ scope: '  openid  auctions:read\tprofile  ' }));
    expect([...caller.scopes]).toEqual(['auctions:read']);
  });

  it('grants nothing when the scope claim is missing or of another type', async () => {
    expect((await verifier().verify(await idp.sign())).scopes.size).toBe(0);
    expect((await verifier().verify(await idp.sign({ scope: { 'auctions:read': true } }))).scopes.size).toBe(0);
  });

  it('reads the customer id from the configured claim, only when a non-empty string', async () => {
    const custom = createJwtVerifier(settings({ customerClaim: 'https://bond.example/customer' }));
    const token = await idp.sign({ 'https://bond.example/customer': 'cus_123', bond_customer_id: 'cus_other' });
    expect((await custom.verify(token)).customerId).toBe('cus_123');
    expect((await verifier().verify(await idp.sign({ bond_customer_id: 'cus_9' }))).customerId).toBe('cus_9');
    expect((await verifier().verify(await idp.sign({ bond_customer_id: '' }))).customerId).toBeUndefined();
    expect((await verifier().verify(await idp.sign({ bond_customer_id: 9 }))).customerId).toBeUndefined();
  });

  it('accepts an audience array that contains the audience', async () => {
    const caller = await verifier().verify(await idp.sign({ aud: ['other-api', idp.audience] }));
    expect(caller.id).toBe('test-caller');
  });
});

describe('verified tokens are remembered, never beyond their expiry', () => {
  it('a token accepted once is refused once it expires, although it was remembered', async () => {
    const verifier = createJwtVerifier(settings({ clockToleranceSeconds: 0 }));
    const token = await idp.sign({ exp: nowSeconds() + 2 });
    await expect(verifier.verify(token)).resolves.toBeTruthy();
    await expect(verifier.verify(token)).resolves.toBeTruthy();
    await new Promise((r) => setTimeout(r, 3100));
    await expectRefused(verifier, token, 'expired');
  });

  it('a refusal is not remembered: the same token is accepted once its key is served', async () => {
    const verifier = createJwtVerifier(settings());
    const token = await idp.sign({}, { kid: 'remembered-rotation' });
    await expectRefused(verifier, token, 'unknown_key');
    await idp.addKey('remembered-rotation');
    await expect(verifier.verify(token)).resolves.toBeTruthy();
  });
});

describe('clock leeway (60 s)', () => {
  const verifier = (): JwtVerifier => createJwtVerifier(settings());

  it('accepts a token that expired 30 s ago and refuses one that expired 90 s ago', async () => {
    const now = nowSeconds();
    await expect(verifier().verify(await idp.sign({ iat: now - 600, exp: now - 30 }))).resolves.toBeTruthy();
    await expectRefused(verifier(), await idp.sign({ iat: now - 600, exp: now - 90 }), 'expired');
  });

  it('accepts nbf 30 s ahead and refuses nbf 90 s ahead', async () => {
    const now = nowSeconds();
    await expect(verifier().verify(await idp.sign({ nbf: now + 30 }))).resolves.toBeTruthy();
    await expectRefused(verifier(), await idp.sign({ nbf: now + 90 }), 'not_yet_valid');
  });

  it('honours a configured tolerance', async () => {
    const strict = createJwtVerifier(settings({ clockToleranceSeconds: 0 }));
    await expectRefused(strict, await idp.sign({ exp: nowSeconds() - 30 }), 'expired');
  });
});

describe('the JWKS', () => {
  it('is fetched once for many verifications', async () => {
    const verifier = createJwtVerifier(settings());
    const before = idp.requests;
    for (const kid of [KIDS.rsa, KIDS.ec, KIDS.ed, KIDS.rsa, KIDS.ec]) {
      await verifier.verify(await idp.sign({}, { kid }));
    }
    expect(idp.requests - before).toBe(1);
  });

  it('refuses an unknown kid, then accepts it once the IdP rotates it in', async () => {
    const verifier = createJwtVerifier(settings());
    await verifier.verify(await idp.sign());
    const token = await idp.sign({}, { kid: 'rsa-rotated', alg: 'RS256' });
    await expectRefused(verifier, token, 'unknown_key');
    await idp.addKey('rsa-rotated');
    const before = idp.requests;
    expect((await verifier.verify(token)).id).toBe('test-caller');
    expect(idp.requests - before).toBe(1);
  });

  it('does not refetch for unknown kids during the cooldown', async () => {
    const verifier = createJwtVerifier(settings({ jwksCooldownMs: 30_000 }));
    await verifier.verify(await idp.sign());
    const before = idp.requests;
    for (const kid of ['junk-1', 'junk-2', 'junk-3']) {
      await expectRefused(verifier, await idp.sign({}, { kid, alg: 'ES256' }), 'unknown_key');
    }
    expect(idp.requests).toBe(before);
  });

  it('tries every key when a token names no kid and several keys fit', async () => {
    const own = await startTestJwks();
    try {
      await own.addKey('rsa-next', 'RS256');
      const verifier = createJwtVerifier(settings({ jwksUrl: own.jwksUrl, issuer: own.issuer }));
      for (const kid of [KIDS.rsa, 'rsa-next']) {
        const token = await own.sign({ iss: own.issuer }, { kid, header: { kid: undefined } });
        expect((await verifier.verify(token)).id).toBe('test-caller');
      }
      const forged = await own.sign({ iss: own.issuer }, { kid: 'rsa-forger', header: { kid: undefined } });
      await expectRefused(verifier, forged, 'bad_signature');
    } finally {
      await own.close();
    }
  });

  it('reports a JWKS that answers with an error as keys_unavailable, with a cause to log', async () => {
    const own = await startTestJwks();
    try {
      own.setFailing(true);
      const verifier = createJwtVerifier(settings({ jwksUrl: own.jwksUrl, issuer: own.issuer }));
      const error = await refusal(verifier, await own.sign({ iss: own.issuer }));
      expect(error.code).toBe('keys_unavailable');
      expect(error.message).toBe('the signing keys could not be fetched');
      expect(error.cause).toBeInstanceOf(Error);
      own.setFailing(false);
      expect((await verifier.verify(await own.sign({ iss: own.issuer }))).id).toBe('test-caller');
    } finally {
      await own.close();
    }
  });

  it('reports an unreachable JWKS as keys_unavailable', async () => {
    const own = await startTestJwks();
    const token = await own.sign({ iss: own.issuer });
    await own.close();
    const error = await refusal(createJwtVerifier(settings({ jwksUrl: own.jwksUrl, issuer: own.issuer })), token);
    expect(error.code).toBe('keys_unavailable');
    expect(error.cause).toBeDefined();
  });
});

describe('PEM mode', () => {
  function pemVerifier(pem: string): JwtVerifier {
    return createJwtVerifier(settings({ jwksUrl: undefined, publicKeyPem: pem }));
  }

  it.each([KIDS.rsa, KIDS.ec, KIDS.ed])('verifies with the %s public key and no JWKS request', async (kid) => {
    const verifier = pemVerifier(await idp.publicKeyPem(kid));
    const before = idp.requests;
    expect((await verifier.verify(await idp.sign({ scope: 'bids:write' }, { kid }))).scopes.has('bids:write')).toBe(true);
    expect(idp.requests).toBe(before);
  });

  it("refuses another algorithm, another key, and HS256 keyed with the PEM itself", async () => {
    const pem = await idp.publicKeyPem(KIDS.rsa);
    const verifier = pemVerifier(pem);
    await expectRefused(verifier, await idp.sign({}, { kid: KIDS.ec }), 'algorithm_not_allowed');
    await expectRefused(verifier, await idp.sign({}, { kid: 'rsa-stranger' }), 'bad_signature');
    const now = nowSeconds();
    const claims = { iss: idp.issuer, aud: idp.audience, sub: 'attacker', iat: now, exp: now + 600 };
    await expectRefused(verifier, hs256Token(pem, claims), 'algorithm_not_allowed');
  });

  it('refuses to start without exactly one key source or with a key it cannot use', () => {
    expect(() => createJwtVerifier(settings({ jwksUrl: undefined }))).toThrow(/exactly one/);
    expect(() => createJwtVerifier(settings({ publicKeyPem: 'x' }))).toThrow(/exactly one/);
    expect(() => pemVerifier('not a pem')).toThrow(/AUTH_PUBLIC_KEY/);
    expect(() => createJwtVerifier(settings({ jwksUrl: 'not a url' }))).toThrow(/AUTH_JWKS_URL/);
  });
});

describe('bearerToken', () => {
  it.each([
    ['Bearer abc.def.ghi', 'abc.def.ghi'],
    ['bearer abc', 'abc'],
    ['BEARER  abc ', 'abc'],
    ['Basic abc', undefined],
    ['Bearer', undefined],
    ['Bearer ', undefined],
    ['Bearer a b', undefined],
    ['abc', undefined],
    ['', undefined],
    [undefined, undefined],
  ])('%j → %j', (header, token) => {
    expect(bearerToken(header)).toBe(token);
  });
});
