import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from '../infra/config.js';
import { LANGUAGES } from './guide.js';
import { categoryLabel, CATEGORY_LABELS } from './categories.js';

/** The categories a definition may name, read from the schema itself rather than copied. */
function schemaCategories(): string[] {
  const schema = JSON.parse(readFileSync(path.join(PROJECT_ROOT, 'procedures/schema/procedure.schema.json'), 'utf8')) as {
    properties: { category: { enum: string[] } };
  };
  return schema.properties.category.enum;
}

describe('the category labels', () => {
  it('name every category of the schema in Arabic, French and English, and none that the schema lacks', () => {
    const categories = schemaCategories();
    expect(categories.length).toBeGreaterThan(0);
    expect(Object.keys(CATEGORY_LABELS).sort()).toEqual([...categories].sort());
    for (const category of categories) {
      for (const lang of LANGUAGES) {
        const label = categoryLabel(category, lang);
        expect(label.trim(), `${category} ${lang}`).not.toBe('');
        expect(label, `${category} ${lang}`).not.toBe(category);
      }
      expect(categoryLabel(category, 'ar'), category).toMatch(/[\u0600-\u06ff]/);
    }
  });

  it('give two categories two different names in each language', () => {
    for (const lang of LANGUAGES) {
      const labels = schemaCategories().map((c) => categoryLabel(c, lang));
      expect(new Set(labels).size, lang).toBe(labels.length);
    }
  });
});
