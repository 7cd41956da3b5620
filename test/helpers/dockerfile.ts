/**
 * The Dockerfile as a list of stages and steps, read with dockerfile-ast, for the test that performs them
 * outside Docker. Only the instructions the rehearsal knows how to perform are accepted: one it does not
 * know stops the reading with its line, so the test follows the file rather than quietly skipping a step.
 */
import { readFileSync } from 'node:fs';
import { Copy, DockerfileParser, Env, ModifiableInstruction, type Instruction } from 'dockerfile-ast';

export type Step =
  | { keyword: 'WORKDIR'; path: string }
  | { keyword: 'ENV'; values: Record<string, string> }
  | { keyword: 'COPY'; from?: string; sources: string[]; destination: string }
  /** The exec form's arguments, or the shell form as `/bin/sh -c <text>` (Docker's default shell). */
  | { keyword: 'RUN'; command: string[] }
  | { keyword: 'USER'; user: string }
  | { keyword: 'VOLUME'; paths: string[] }
  | { keyword: 'CMD'; command: string[] }
  | { keyword: 'HEALTHCHECK'; command: string[] };

export interface Stage {
  /** The name after AS, when the stage has one. */
  name?: string;
  image: string;
  steps: Step[];
}

/** Instructions that change nothing a process outside Docker would notice. */
const WITHOUT_EFFECT = new Set(['EXPOSE', 'LABEL', 'STOPSIGNAL']);

function fail(instruction: Instruction, why: string): never {
  const line = instruction.getRange().start.line + 1;
  throw new Error(`Dockerfile line ${line}: ${instruction.getKeyword()} ${why}`);
}

function jsonArguments(instruction: Instruction): string[] | undefined {
  const raw = instruction.getArgumentsContent()?.trim() ?? '';
  if (!raw.startsWith('[')) return undefined;
  return JSON.parse(raw) as string[];
}

/** Exec form (a JSON array) or shell form, as Docker runs them. */
function commandOf(instruction: Instruction, text = instruction.getArgumentsContent() ?? ''): string[] {
  const trimmed = text.trim();
  if (trimmed.startsWith('[')) return JSON.parse(trimmed) as string[];
  return ['/bin/sh', '-c', trimmed];
}

function flagsOf(instruction: Instruction): Array<{ name: string; value: string | null }> {
  if (!(instruction instanceof ModifiableInstruction)) return [];
  return instruction.getFlags().map((flag) => ({ name: flag.getName(), value: flag.getValue() }));
}

function step(instruction: Instruction): Step | undefined {
  const keyword = instruction.getKeyword();
  const args = instruction.getArguments().map((a) => a.getValue());
  if (WITHOUT_EFFECT.has(keyword)) return undefined;
  if (/\$\{?[A-Za-z_]/.test(instruction.getArgumentsContent() ?? '') && keyword !== 'RUN' && keyword !== 'CMD' && keyword !== 'HEALTHCHECK') {
    fail(instruction, 'uses a variable, which the rehearsal does not expand');
  }
  switch (keyword) {
    case 'WORKDIR':
      if (args.length !== 1 || !args[0]!.startsWith('/')) fail(instruction, 'must name one absolute folder');
      return { keyword, path: args[0]! };
    case 'ENV': {
      const values: Record<string, string> = {};
      if (!(instruction instanceof Env)) return fail(instruction, 'was not read as ENV');
      for (const property of instruction.getProperties()) values[property.getName()] = property.getUnescapedValue() ?? '';
      return { keyword, values };
    }
    case 'COPY': {
      if (!(instruction instanceof Copy)) return fail(instruction, 'was not read as COPY');
      let from: string | undefined;
      for (const flag of flagsOf(instruction)) {
        if (flag.name !== 'from' || !flag.value) fail(instruction, `--${flag.name} is not performed by the rehearsal`);
        from = flag.value;
      }
      const paths = jsonArguments(instruction) ?? args;
      if (paths.length < 2) fail(instruction, 'needs a source and a destination');
      if (paths.some((p) => /[*?[]/.test(p))) fail(instruction, 'uses a wildcard, which the rehearsal does not expand');
      return { keyword, ...(from ? { from } : {}), sources: paths.slice(0, -1), destination: paths.at(-1)! };
    }
    case 'RUN':
      if (flagsOf(instruction).length) fail(instruction, 'has flags (--mount…), which the rehearsal does not perform');
      return { keyword, command: commandOf(instruction) };
    case 'USER':
      if (args.length !== 1) fail(instruction, 'must name one user');
      return { keyword, user: args[0]! };
    case 'VOLUME':
      return { keyword, paths: jsonArguments(instruction) ?? args };
    case 'CMD':
      return { keyword, command: commandOf(instruction) };
    case 'HEALTHCHECK': {
      const text = (instruction.getArgumentsContent() ?? '').trim();
      if (!/^CMD\s/.test(text)) fail(instruction, 'must be HEALTHCHECK [options] CMD …');
      return { keyword, command: commandOf(instruction, text.replace(/^CMD\s+/, '')) };
    }
    default:
      return fail(instruction, 'is not performed by the rehearsal (test/helpers/dockerfile.ts)');
  }
}

export function readDockerfile(file: string): Stage[] {
  const dockerfile = DockerfileParser.parse(readFileSync(file, 'utf8'));
  const stages: Stage[] = [];
  for (const instruction of dockerfile.getInstructions()) {
    if (instruction.getKeyword() === 'FROM') {
      const args = instruction.getArguments().map((a) => a.getValue());
      const named = args[1]?.toUpperCase() === 'AS' ? args[2] : undefined;
      stages.push({ image: args[0] ?? '', ...(named ? { name: named } : {}), steps: [] });
      continue;
    }
    const stage = stages.at(-1);
    if (!stage) fail(instruction, 'comes before any FROM');
    const parsed = step(instruction);
    if (parsed) stage.steps.push(parsed);
  }
  return stages;
}
