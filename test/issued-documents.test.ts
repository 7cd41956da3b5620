import { createPublicKey, generateKeyPairSync, verify, type JsonWebKey, type KeyObject } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import jsQR from 'jsqr';
import { beforeAll, describe, expect, it } from 'vitest';
import { DocumentDataError, DOCUMENT_TEMPLATES, type DocumentTemplate } from '../documents/document-data.js';
import { DocumentRenderer } from '../documents/renderer.js';
import { KeyRingError, loadKeyRing, publishedKeySet, signDocument, verifyDocument, type DocumentKeyRing } from '../documents/signatures.js';
import { formatVerificationCode, newVerificationCode } from '../documents/verification-code.js';
import { comparable, firstPagePng, keepPdf, pdfText, readingOrder } from './helpers/pdf-reading.js';

const code = newVerificationCode();
const verificationUrl = `https://mohla.example.ma/verify/${formatVerificationCode(code)}`;

/** A residence certificate's data in Arabic, French and English, with a name mixing both scripts. */
const data = {
  languages: ['ar', 'fr', 'en'],
  office: { name: { ar: 'جماعة الرباط', fr: 'Commune de Rabat', en: 'Commune of Rabat' } },
  procedureTitle: { ar: 'شهادة السكنى', fr: 'Certificat de résidence', en: 'Residence certificate' },
  trackingNumber: 'RC-2026-000123',
  holder: { name: 'فاطمة الزهراء Benali' },
  filedOn: '2026-03-02',
  decidedOn: '2026-03-12',
  dueOn: '2026-04-01',
  legalBasis: { ar: 'المادة السادسة من القانون المنظم للمسطرة', fr: "l'article 6 de la loi n° 55.19", en: 'Article 6 of Law 55.19' },
  motivation: {
    ar: 'لا يقيم صاحب الطلب بتراب الجماعة حسب محضر المعاينة',
    fr: "Le demandeur ne réside pas sur le territoire de la commune, d'après le procès-verbal de constat.",
    en: 'The applicant does not live in the commune, according to the inspection report.',
  },
  remedy: {
    ar: 'يمكنكم تقديم شكاية إلى رئيس الهيئة المعنية، ثم إلى لجنة الحق في الحصول على المعلومات',
    fr: "Vous pouvez adresser une réclamation au chef de l'organisme dans un délai de 20 jours ouvrables, puis saisir la CDAI.",
    en: 'You may complain to the head of the body within 20 working days, then to the CDAI.',
  },
  verification: { code, url: verificationUrl },
};

/** What each template must show, beyond what all of them show. */
const ownText: Record<DocumentTemplate, string[]> = {
  certificate: ['Certificat', 'Certificate', 'a été accordée le 12/03/2026', 'was granted on 12/03/2026'],
  attestation: ['شهادة الموافقة الضمنية', data.legalBasis.ar, data.legalBasis.fr, data.legalBasis.en, 'échu le 01/04/2026'],
  'refusal-letter': [
    'قرار معلل بالرفض',
    'أسباب الرفض',
    'طرق الطعن',
    data.motivation.ar,
    data.motivation.fr,
    data.motivation.en,
    data.remedy.ar,
    data.remedy.fr,
    data.remedy.en,
    'a été refusée le 12/03/2026',
  ],
};

let renderer: DocumentRenderer;
beforeAll(() => {
  renderer = new DocumentRenderer();
});

describe('issued documents: rendering', () => {
  for (const template of DOCUMENT_TEMPLATES) {
    it(`prints the ${template} in Arabic, French and English, in reading order, with the holder's mixed-script name`, async () => {
      const pdf = await renderer.render(template, data);
      expect(pdf.subarray(0, 5).toString('latin1')).toBe('%PDF-');
      const file = keepPdf(template, pdf);
      firstPagePng(file);
      const text = readingOrder(pdfText(file));
      const expected = [
        'المملكة المغربية',
        'Royaume du Maroc',
        data.office.name.ar,
        data.office.name.fr,
        data.office.name.en,
        `«${data.procedureTitle.ar}»`,
        `« ${data.procedureTitle.fr} »`,
        `“${data.procedureTitle.en}”`,
        // Arabic around a Latin tracking number and the name written in both scripts.
        `الطلب رقم ${data.trackingNumber} المقدم من طرف ${data.holder.name} بتاريخ`,
        `déposée par ${data.holder.name} le 02/03/2026`,
        `filed by ${data.holder.name} on 02/03/2026`,
        formatVerificationCode(code),
        verificationUrl,
        ...ownText[template],
      ];
      for (const phrase of expected) expect(text, phrase).toContain(comparable(phrase));
    });
  }

  it('prints no English where only Arabic and French are asked for', async () => {
    const { en: _office, ...officeName } = data.office.name;
    const pdf = await renderer.render('certificate', { ...data, languages: ['ar', 'fr'], office: { name: officeName } });
    const text = readingOrder(pdfText(keepPdf('certificate-ar-fr', pdf)));
    expect(text).toContain(comparable('a été accordée le 12/03/2026'));
    expect(text).not.toContain(comparable('was granted'));
  });

  it('prints a QR code that reads back as the verification address', async () => {
    const pdf = await renderer.render('attestation', data);
    const page = firstPagePng(keepPdf('attestation-qr', pdf), 200);
    const read = jsQR.default(new Uint8ClampedArray(page.data), page.width, page.height);
    expect(read?.data).toBe(verificationUrl);
  });

  it('prints data holding Typst markup as the characters given', async () => {
    const markup = '#emph[x] $a^2$ *bold* [c] \\ <label> @ref #read("common.typ")';
    const pdf = await renderer.render('refusal-letter', {
      ...data,
      holder: { name: 'Ali #strong[B] $x$' },
      motivation: { ar: `سبب ${markup}`, fr: markup, en: 'See the French.' },
    });
    const text = readingOrder(pdfText(keepPdf('refusal-letter-markup', pdf)));
    expect(text).toContain(comparable(markup));
    expect(text).toContain(comparable('déposée par Ali #strong[B] $x$ le'));
    // Had the data been read as markup, the template file's own text would be printed here.
    expect(text).not.toContain(comparable('What every issued document shares'));
  });

  it('gives the same bytes for the same data, and other bytes for another code', async () => {
    const first = await renderer.render('certificate', data);
    const second = await new DocumentRenderer().render('certificate', structuredClone(data));
    expect(second.equals(first)).toBe(true);
    expect(first.toString('latin1')).not.toMatch(/CreationDate|xmp:CreateDate/);
    const other = newVerificationCode();
    const third = await renderer.render('certificate', { ...data, verification: { code: other, url: verificationUrl } });
    expect(third.equals(first)).toBe(false);
  });

  it('says which template failed to compile, and why', async () => {
    const templates = mkdtempSync(path.join(os.tmpdir(), 'mohla-templates-'));
    writeFileSync(path.join(templates, 'certificate.typ'), '#let data = json(bytes(sys.inputs.data))\n#data.no-such-field\n');
    await expect(new DocumentRenderer({ templatesDir: templates }).render('certificate', data)).rejects.toThrow(
      /^the certificate template did not compile: dictionary does not contain key "no-such-field"/,
    );
  });

  it('refuses incomplete or malformed data with the field named and the data left out of the message', async () => {
    const refusal = async (template: DocumentTemplate, given: unknown) => {
      try {
        await renderer.render(template, given);
      } catch (err) {
        expect(err).toBeInstanceOf(DocumentDataError);
        expect((err as Error).message).not.toContain('Benali');
        return (err as Error).message;
      }
      throw new Error('rendered');
    };
    const { motivation: _m, ...withoutMotivation } = data;
    expect(await refusal('refusal-letter', withoutMotivation)).toBe('/motivation is required by the refusal-letter template');
    await expect(renderer.render('certificate', withoutMotivation)).resolves.toBeInstanceOf(Buffer);
    const { en: _en, ...remedyWithoutEnglish } = data.remedy;
    expect(await refusal('refusal-letter', { ...data, remedy: remedyWithoutEnglish })).toBe('/remedy/en is required when the languages include English');
    expect(await refusal('certificate', { ...data, filedOn: '12/03/2026' })).toBe('/filedOn must match format "date"');
    expect(await refusal('certificate', { ...data, verification: { code: `${code.slice(0, -1)}${code.endsWith('2') ? '3' : '2'}`, url: verificationUrl } })).toMatch(
      /^\/verification\/code is mistyped/,
    );
    expect(await refusal('certificate', { ...data, verification: { code, url: 'javascript:alert(1)' } })).toMatch(/^\/verification\/url must match/);
    // A right-to-left override in a name would print the rest of its line backwards.
    expect(await refusal('certificate', { ...data, holder: { name: 'Benali \u202e 2026' } })).toBe(
      '/holder/name holds the direction control U+202E, which would reorder the printed text',
    );
    expect(await refusal('certificate', { ...data, holder: { name: 'Benali\nX' } })).toBe('/holder/name holds the control character U+000A');
    const paragraphs = { ...data.motivation, fr: `${data.motivation.fr}\nVoir aussi la pièce jointe.` };
    await expect(renderer.render('refusal-letter', { ...data, motivation: paragraphs })).resolves.toBeInstanceOf(Buffer);
  });
});

describe('issued documents: signatures', () => {
  const keyDirectory = (files: Record<string, string>) => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'mohla-document-keys-'));
    for (const [name, pem] of Object.entries(files)) writeFileSync(path.join(dir, name), pem);
    return dir;
  };
  const privatePem = (key: KeyObject) => key.export({ type: 'pkcs8', format: 'pem' }).toString();
  const publicPem = (key: KeyObject) => createPublicKey(key).export({ type: 'spki', format: 'pem' }).toString();
  const first = generateKeyPairSync('ed25519').privateKey;
  const second = generateKeyPairSync('ed25519').privateKey;
  let pdf: Buffer;
  let before: DocumentKeyRing;
  let after: DocumentKeyRing;

  beforeAll(async () => {
    pdf = await renderer.render('certificate', data);
    before = await loadKeyRing(keyDirectory({ 'first.pem': privatePem(first) }));
    // The rotation: the new private key signs, the old one stays as its public key only.
    after = await loadKeyRing(keyDirectory({ 'second.pem': privatePem(second), 'first.pub.pem': publicPem(first) }));
  });

  it('verify over the exact bytes of the PDF, and fail when one byte changes', () => {
    const signature = signDocument(pdf, before);
    expect(verifyDocument(pdf, signature, before)).toEqual({ ok: true, keyId: before.signer.keyId });
    const changed = Buffer.from(pdf);
    const at = Math.floor(changed.length / 2);
    changed[at] = changed[at]! ^ 0x01;
    expect(verifyDocument(changed, signature, before)).toEqual({ ok: false, reason: 'the document is not the one that was signed: its SHA-256 differs' });
    // A forged record claiming the changed file's digest does not carry a valid signature for it.
    const forged = { ...signature, sha256: signDocument(changed, before).sha256 };
    expect(verifyDocument(changed, forged, before)).toMatchObject({ ok: false, reason: expect.stringContaining('was not made by key') });
  });

  it('still verify after a rotation when made by the retired key, and name the new key afterwards', () => {
    const old = signDocument(pdf, before);
    expect(after.signer.keyId).not.toBe(before.signer.keyId);
    expect(verifyDocument(pdf, old, after)).toEqual({ ok: true, keyId: before.signer.keyId });
    const fresh = signDocument(pdf, after);
    expect(fresh.keyId).toBe(after.signer.keyId);
    expect(verifyDocument(pdf, fresh, after)).toEqual({ ok: true, keyId: after.signer.keyId });
    // The ring from before the rotation has never heard of the new key.
    expect(verifyDocument(pdf, fresh, before)).toEqual({ ok: false, reason: `key ${after.signer.keyId} is not one of Mohla's document keys` });
  });

  it('fail for a key id the ring does not hold, even with a signature that is otherwise right', async () => {
    const stranger = await loadKeyRing(keyDirectory({ 'stranger.pem': privatePem(generateKeyPairSync('ed25519').privateKey) }));
    const signature = signDocument(pdf, stranger);
    expect(verifyDocument(pdf, signature, after)).toMatchObject({ ok: false, reason: expect.stringContaining('is not one of') });
    expect(verifyDocument(pdf, { ...signature, keyId: after.signer.keyId }, after)).toMatchObject({ ok: false, reason: expect.stringContaining('was not made by key') });
  });

  it('publish every verifying key as a JWKS that an outside verifier can check a signature with', () => {
    const set = publishedKeySet(after);
    expect(set.keys.map((k) => k.kid).sort()).toEqual([before.signer.keyId, after.signer.keyId].sort());
    for (const key of set.keys) expect(key).toMatchObject({ kty: 'OKP', crv: 'Ed25519', use: 'sig', alg: 'EdDSA' });
    expect(JSON.stringify(set)).not.toMatch(/"d"/);
    const signature = signDocument(pdf, before);
    const published = set.keys.find((k) => k.kid === signature.keyId)!;
    const publicKey = createPublicKey({ key: published as JsonWebKey, format: 'jwk' });
    const digest = Buffer.from(signature.sha256, 'hex');
    expect(verify(null, digest, publicKey, Buffer.from(signature.signature, 'base64url'))).toBe(true);
  });

  it('refuse a key directory with two private keys, none, or a key that is not Ed25519', async () => {
    await expect(loadKeyRing(keyDirectory({ 'a.pem': privatePem(first), 'b.pem': privatePem(second) }))).rejects.toThrow(/exactly one private key.*a\.pem, b\.pem/);
    await expect(loadKeyRing(keyDirectory({ 'a.pub.pem': publicPem(first) }))).rejects.toThrow(/exactly one private key.*none/);
    const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey;
    await expect(loadKeyRing(keyDirectory({ 'rsa.pem': privatePem(rsa) }))).rejects.toThrow(KeyRingError);
    await expect(loadKeyRing(path.join(os.tmpdir(), 'no-such-mohla-keys'))).rejects.toThrow(/cannot be read/);
  });
});
