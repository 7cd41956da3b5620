import { t } from '../i18n.js';

interface Props {
  id: string;
  accept?: string;
  file: File | undefined;
  describedBy?: string;
  invalid: boolean;
  onPick(file: File | undefined): void;
}

/**
 * A file input that speaks the page's language: the browser's own button and "no file chosen" are in the
 * browser's language, so the input is visually hidden (still focusable and announced, its label the
 * field's) and a label styled as a button, with the chosen file's name beside it, is shown instead.
 */
export function FilePicker({ id, accept, file, describedBy, invalid, onPick }: Props) {
  const nameId = `${id}-chosen`;
  return (
    <div class="file-picker">
      <input
        id={id}
        class="visually-hidden"
        type="file"
        accept={accept}
        aria-describedby={[describedBy, nameId].filter(Boolean).join(' ')}
        aria-invalid={invalid ? 'true' : undefined}
        onChange={(e) => onPick((e.currentTarget as HTMLInputElement).files?.[0])}
      />
      {/* A second label of the same input: clicking it opens the picker, as the browser's button did. */}
      <label for={id} class="button file-button" aria-hidden="true">
        {t('chooseFile')}
      </label>
      <span class="file-name" id={nameId} dir={file ? 'ltr' : undefined}>
        {file ? file.name : t('noFileChosen')}
      </span>
    </div>
  );
}
