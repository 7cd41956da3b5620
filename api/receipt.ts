/**
 * The receipt (récépissé) Law 55.19 requires at filing: the tracking number to read out at a counter, the
 * PIN that opens the kiosk's follow-up, the date and time, the documents received and the legal deadline
 * with its explanation.
 */
import type { LocalizedText } from '../engine/definition.generated.js';
import type { ApplicationView, Receipt, ReceiptDocument } from './answers.js';

export type { Receipt, ReceiptDocument };

export function buildReceipt(
  view: ApplicationView,
  extra: { pin: string | null; title: LocalizedText; filedBy: string; documents: ReceiptDocument[] },
): Receipt {
  const deadline = view.deadline as { dueAt: string; dueDate: string; explanation: string[] } | null;
  return {
    trackingNumber: view.trackingNumber,
    pin: extra.pin,
    procedure: { ...view.procedure, title: extra.title },
    officeId: view.officeId,
    filedAt: view.filedAt,
    filedBy: extra.filedBy,
    documents: extra.documents,
    legalDeadline: deadline ? { dueAt: deadline.dueAt, dueDate: deadline.dueDate, explanation: deadline.explanation } : null,
    status: view.status,
  };
}

/**
 * The page's style and its print button's script are files of their own, not inline: the security policy
 * (api/security-headers.ts) lets no inline script or style run, so an injected one would not either.
 */
export const RECEIPT_STYLESHEET_PATH = '/receipt/receipt.css';
export const RECEIPT_SCRIPT_PATH = '/receipt/receipt.js';
export const RECEIPT_STYLESHEET = `  body { font-family: system-ui, sans-serif; max-width: 44rem; margin: 2rem auto; color: #111; }
  h1 { font-size: 1.4rem; display: flex; justify-content: space-between; }
  .number { font-size: 2rem; letter-spacing: .15em; font-family: ui-monospace, monospace; border: 2px solid #111; padding: .3rem .8rem; display: inline-block; }
  .mono { font-family: ui-monospace, monospace; }
  table { border-collapse: collapse; width: 100%; } td, th { border: 1px solid #999; padding: .3rem .5rem; text-align: start; }
  @media print { body { margin: 0; } .noprint { display: none; } }
`;
export const RECEIPT_SCRIPT = "document.getElementById('print')?.addEventListener('click', () => window.print());\n";

const escape = (text: string) =>
  text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] as string);

function localTime(iso: string): string {
  return new Intl.DateTimeFormat('fr-MA', { dateStyle: 'full', timeStyle: 'short', timeZone: 'Africa/Casablanca' }).format(new Date(iso));
}

/** A printable page, French and Arabic side by side, that fits one A4 sheet. */
export function receiptHtml(receipt: Receipt): string {
  const docs = receipt.documents.length
    ? receipt.documents
        .map((d) => `<tr><td>${escape(d.label?.fr ?? d.documentId)}</td><td dir="rtl" lang="ar">${escape(d.label?.ar ?? '')}</td><td class="mono">${escape(d.sha256.slice(0, 12))}</td></tr>`)
        .join('\n')
    : '<tr><td colspan="3">—</td></tr>';
  const deadline = receipt.legalDeadline
    ? `<p><strong>Délai légal / الأجل القانوني :</strong> ${escape(localTime(receipt.legalDeadline.dueAt))}</p>
<ul>${receipt.legalDeadline.explanation.map((line) => `<li>${escape(line)}</li>`).join('')}</ul>`
    : '';
  return `<!doctype html>
<html lang="fr">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Récépissé ${escape(receipt.trackingNumber)}</title>
<link rel="stylesheet" href="${RECEIPT_STYLESHEET_PATH}">
<script src="${RECEIPT_SCRIPT_PATH}" defer></script>
</head>
<body>
<h1><span>Récépissé de dépôt</span><span dir="rtl" lang="ar">وصل إيداع</span></h1>
<p>${escape(receipt.procedure.title.fr)} — <span dir="rtl" lang="ar">${escape(receipt.procedure.title.ar)}</span></p>
<p>Numéro de suivi / رقم التتبع :<br><span class="number">${escape(receipt.trackingNumber)}</span></p>
${receipt.pin === null ? '' : `<p>Code PIN (borne, suivi) / الرمز السري : <span class="number">${escape(receipt.pin)}</span></p>\n`}<p>Déposé le / تاريخ الإيداع : ${escape(localTime(receipt.filedAt))} — ${escape(receipt.officeId)}</p>
<h2>Pièces reçues / الوثائق المتوصل بها</h2>
<table><thead><tr><th>Pièce</th><th dir="rtl" lang="ar">الوثيقة</th><th>Empreinte</th></tr></thead>
<tbody>
${docs}
</tbody></table>
${deadline}
<p class="noprint"><button type="button" id="print">Imprimer / طباعة</button></p>
</body>
</html>
`;
}
