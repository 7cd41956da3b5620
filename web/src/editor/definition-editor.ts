/**
 * The playground's code editor (CodeMirror 6), loaded only when the playground opens: JSON with the
 * definition schema's completion and descriptions, and the checker's problems shown where they are.
 *
 * It lives in a shadow root. CodeMirror writes its styles at run time; inside a shadow root it gives
 * them to the browser as a constructed style sheet (adoptedStyleSheets), which the Content-Security-Policy's
 * `style-src 'self'` does not govern, whereas a <style> element in the page would need a nonce or
 * 'unsafe-inline'. So every page keeps the one strict policy (docs/security.md).
 */
import { autocompletion, closeBrackets, closeBracketsKeymap, completionKeymap, type CompletionContext, type CompletionResult } from '@codemirror/autocomplete';
import { defaultKeymap, history, historyKeymap } from '@codemirror/commands';
import { json } from '@codemirror/lang-json';
import { bracketMatching, defaultHighlightStyle, foldGutter, foldKeymap, indentOnInput, syntaxHighlighting } from '@codemirror/language';
import { lintGutter, lintKeymap, setDiagnostics, type Diagnostic } from '@codemirror/lint';
import { EditorState } from '@codemirror/state';
import { EditorView, highlightActiveLine, highlightActiveLineGutter, hoverTooltip, keymap, lineNumbers } from '@codemirror/view';
import schema from '../../../procedures/schema/procedure.schema.json';
import { pathAt, pointerRange, syntaxProblems, tolerantValue } from './json-pointer.js';
import { applyChoice, completionsAt, descriptionAt, type JsonSchema } from './schema-completion.js';

// The schema is data read at run time: its literal type says nothing the walker needs.
const SCHEMA = schema as unknown as JsonSchema;

export interface CheckerProblem {
  pointer: string;
  message: string;
  severity: 'error' | 'warning';
}

export interface DefinitionEditor {
  text(): string;
  setText(text: string): void;
  /** The checker's problems and the text's own syntax errors, drawn at their place. */
  showProblems(problems: CheckerProblem[]): void;
  /** Puts the cursor on what `pointer` names and scrolls it into view. */
  reveal(pointer: string): void;
  destroy(): void;
}

function schemaCompletion(context: CompletionContext): CompletionResult | null {
  const { from, to, choices } = completionsAt(SCHEMA, context.state.doc.toString(), context.pos);
  if (!choices.length || (from === context.pos && !context.explicit && !/["{,:\s]$/u.test(context.state.sliceDoc(context.pos - 1, context.pos)))) return null;
  return {
    from,
    to,
    options: choices.map((c) => ({
      label: c.label,
      type: c.kind,
      ...(c.detail ? { info: c.detail } : {}),
      apply: (view: EditorView, _choice: unknown, at: number, end: number) => {
        const change = applyChoice(view.state.doc.toString(), at, end, c.insert);
        view.dispatch({ changes: change, selection: { anchor: change.from + change.insert.length }, userEvent: 'input.complete' });
      },
    })),
    filter: true,
  };
}

const schemaHover = hoverTooltip((view, pos) => {
  const text = view.state.doc.toString();
  const { path } = pathAt(text, pos);
  if (!path.length) return null;
  const written = tolerantValue(text);
  // A key with no description of its own (a step's `type`) is told by the object it belongs to.
  const description = descriptionAt(SCHEMA, path, written) ?? descriptionAt(SCHEMA, path.slice(0, -1), written);
  if (!description) return null;
  return {
    pos,
    create: () => {
      const dom = document.createElement('div');
      dom.className = 'schema-doc';
      dom.textContent = description;
      return { dom };
    },
  };
});

const theme = EditorView.theme({
  '&': { border: '1px solid #8a94a6', borderRadius: '4px', fontSize: '0.9rem', backgroundColor: '#fff', color: '#1b1f24' },
  '&.cm-focused': { outline: '3px solid #1d4ed8', outlineOffset: '1px' },
  '.cm-scroller': { fontFamily: 'ui-monospace, SFMono-Regular, Menlo, Consolas, monospace', maxHeight: '32rem', minHeight: '12rem' },
  '.cm-gutters': { backgroundColor: '#f3f4f6', color: '#4b5563' },
  '.schema-doc': { maxWidth: '28rem', padding: '0.4rem 0.6rem', fontFamily: 'system-ui, sans-serif', lineHeight: '1.4' },
});

export function mountDefinitionEditor(host: HTMLElement, options: { text: string; label: string; onChange: (text: string) => void }): DefinitionEditor {
  const shadow = host.shadowRoot ?? host.attachShadow({ mode: 'open' });
  const view = new EditorView({
    root: shadow,
    parent: shadow,
    state: EditorState.create({
      doc: options.text,
      extensions: [
        lineNumbers(),
        highlightActiveLineGutter(),
        foldGutter(),
        lintGutter(),
        history(),
        indentOnInput(),
        bracketMatching(),
        closeBrackets(),
        highlightActiveLine(),
        syntaxHighlighting(defaultHighlightStyle),
        json(),
        autocompletion({ override: [schemaCompletion], activateOnTyping: true }),
        schemaHover,
        // Tab is left to the browser, so that a keyboard user can leave the editor (no indentWithTab).
        keymap.of([...closeBracketsKeymap, ...defaultKeymap, ...historyKeymap, ...foldKeymap, ...completionKeymap, ...lintKeymap]),
        // An explicit tabindex tells checkers (axe) what browsers already do: the scrolling text is reached by keyboard.
        EditorView.contentAttributes.of({ 'aria-label': options.label, 'aria-multiline': 'true', spellcheck: 'false', dir: 'ltr', tabindex: '0' }),
        EditorView.updateListener.of((update) => {
          if (update.docChanged) options.onChange(update.state.doc.toString());
        }),
        theme,
      ],
    }),
  });

  return {
    text: () => view.state.doc.toString(),
    setText(text) {
      if (text !== view.state.doc.toString()) view.dispatch({ changes: { from: 0, to: view.state.doc.length, insert: text } });
    },
    showProblems(problems) {
      const text = view.state.doc.toString();
      const diagnostics: Diagnostic[] = syntaxProblems(text).map((p) => ({ from: Math.min(p.from, text.length), to: Math.min(p.to, text.length), severity: 'error', message: p.message }));
      for (const problem of problems) {
        const range = pointerRange(text, problem.pointer);
        if (!range) continue;
        diagnostics.push({ from: range.from, to: range.to, severity: problem.severity, message: problem.pointer ? `${problem.pointer}: ${problem.message}` : problem.message, source: 'mohla' });
      }
      view.dispatch(setDiagnostics(view.state, diagnostics));
    },
    reveal(pointer) {
      const range = pointerRange(view.state.doc.toString(), pointer);
      if (!range) return;
      view.dispatch({ selection: { anchor: range.from, head: range.to }, scrollIntoView: true });
      view.focus();
    },
    destroy: () => view.destroy(),
  };
}
