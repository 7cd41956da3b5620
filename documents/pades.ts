/**
 * A PAdES signature inside the PDF, with the office's RSA certificate (a PKCS#12 file), so that a PDF
 * reader shows who signed the document and whether it changed since. Made with @signpdf, the maintained
 * library for this: it adds the signature field and a placeholder as an incremental update, then fills
 * the placeholder with a CMS signature over every byte of the file but the placeholder itself (the
 * ByteRange). The Ed25519 signature (documents/signatures.ts) is made afterwards, over the whole file,
 * embedded signature included.
 */
import { readFileSync } from 'node:fs';
import { plainAddPlaceholder } from '@signpdf/placeholder-plain';
import { P12Signer } from '@signpdf/signer-p12';
import { SignPdf } from '@signpdf/signpdf';
import { ConfigError, type DocumentSettings } from '../infra/config.js';

/** The office's certificate and key, and how the signature describes itself. */
export interface PadesSigner {
  p12: Buffer;
  passphrase: string;
  /** Who signs, as the reader shows it (the certificate's holder says it too). */
  name: string;
  location: string;
}

/** The signer DOCUMENT_PADES_P12 configures; none when it is empty (documents then carry the Ed25519 signature only). */
export function padesSigner(settings: Pick<DocumentSettings, 'pades'>): PadesSigner | undefined {
  if (!settings.pades) return undefined;
  let p12: Buffer;
  try {
    p12 = readFileSync(settings.pades.p12Path);
  } catch (err) {
    throw new ConfigError(`DOCUMENT_PADES_P12=${settings.pades.p12Path} cannot be read: ${(err as Error).message}`);
  }
  return { p12, passphrase: settings.pades.passphrase, name: settings.pades.name, location: settings.pades.location };
}

/**
 * The PDF with a PAdES signature embedded. `signingTime` is the instant the signature states; with the
 * same PDF, certificate and instant, the bytes are the same (RSA PKCS#1 v1.5 signatures are
 * deterministic), so a retried issuance can print the very same file.
 */
export async function embedPadesSignature(pdf: Buffer, signer: PadesSigner, signingTime: Date, reason: string): Promise<Buffer> {
  const withPlaceholder = plainAddPlaceholder({
    pdfBuffer: pdf,
    reason,
    contactInfo: '',
    name: signer.name,
    location: signer.location,
    signingTime,
    appName: 'Mohla',
  });
  try {
    return await new SignPdf().sign(withPlaceholder, new P12Signer(signer.p12, { passphrase: signer.passphrase }), signingTime);
  } catch (err) {
    // A wrong passphrase or a file that is not PKCS#12: said once, at the first document, with the variable to fix.
    throw new ConfigError(`DOCUMENT_PADES_P12 could not sign: ${(err as Error).message}`);
  }
}
