import { expect } from 'chai';
import fc from 'fast-check';
import { MAX_ACTIVE_NAME_BYTES, activeFileName, isFileNameTemplate } from '../../src/exporters/file-names.js';

describe('file names', () => {
  describe('activeFileName()', () => {
    it('keeps every valid template and any module within the bound, deterministically, distinct for distinct long modules', () => {
      const template = fc.tuple(fc.string({ unit: 'grapheme', maxLength: 40 }), fc.string({ unit: 'grapheme', maxLength: 40 }))
        .map(([head, tail]) => `${head}{module}${tail}`.replace(/[/\\\0]/g, '_'))
        .filter(isFileNameTemplate);
      fc.assert(fc.property(template, fc.string({ unit: 'grapheme', maxLength: 300 }), fc.string({ maxLength: 3 }), (name, module, suffix) => {
        const made = activeFileName(name, module);
        expect(Buffer.byteLength(made)).to.be.at.most(MAX_ACTIVE_NAME_BYTES);
        expect(made).not.to.match(/[/\\]/);
        expect(activeFileName(name, module)).to.equal(made);
        const long = `${module}${'x'.repeat(250)}`;
        expect(activeFileName(name, `${long}${suffix}a`)).not.to.equal(activeFileName(name, `${long}${suffix}b`));
      }), { numRuns: 300 });
    });

    it('leaves a short name as it was', () => {
      expect(activeFileName('{module}_metrics.log', 'llm')).to.equal('llm_metrics.log');
      expect(activeFileName('{module}_metrics.log', '../x y')).to.equal('_.._x_y_metrics.log');
    });
  });

  describe('isFileNameTemplate()', () => {
    it('counts UTF-8 bytes, not characters', () => {
      expect(isFileNameTemplate(`${'é'.repeat(64)}{module}`)).to.equal(true);
      expect(isFileNameTemplate(`${'é'.repeat(65)}{module}`)).to.equal(false);
      expect(isFileNameTemplate('a/{module}')).to.equal(false);
    });
  });
});
