/**
 * @module The two classes of a binary problem (issue 14, item 11): learnt from the ground truth in read order, else the
 * conventional partner of the positive label, and settled into the response options.
 */
import { describe, expect, it } from 'vitest';
import { BinaryClasses, conventionalNegative } from './binary-classes.ts';

describe('BinaryClasses', () => {
  it('takes the first other ground-truth label as the negative class and refuses a third', () => {
    const classes = new BinaryClasses('1');
    expect(['1', '2', '1', '2'].map((l) => classes.accept(l))).toEqual([true, true, true, true]);
    expect(classes.accept('0')).toBe(false);
    expect(classes.describeOutsider('0')).toBe('label "0" is neither positive_label "1" nor the negative class "2"');
  });

  it('says to set positive_label when two other labels came and the positive one never did (true/false against "1")', () => {
    const classes = new BinaryClasses('1');
    expect(classes.accept('true')).toBe(true);
    expect(classes.accept('false')).toBe(false);
    expect(classes.describeOutsider('false')).toBe(
      'label "false" is neither positive_label "1" nor the negative class "true"; no label read so far is positive_label "1": set positive_label to the positive one of "true" and "false"',
    );
  });

  it('settles the response options: the learnt class, else the conventional partner, else no check', () => {
    const learnt = new BinaryClasses('fraud');
    learnt.accept('legit');
    const response = { negativeLabel: 'not fraud' };
    learnt.settle(response);
    expect(response).toEqual({ negativeLabel: 'legit', binaryStrict: true });
    const conventional = { negativeLabel: '0' };
    new BinaryClasses('1').settle(conventional);
    expect(conventional).toEqual({ negativeLabel: '0', binaryStrict: true });
    const unknown = { negativeLabel: 'not cat' };
    new BinaryClasses('cat').settle(unknown);
    expect(unknown).toEqual({ negativeLabel: 'not cat' });
  });

  it('knows the conventional pairs both ways and nothing of Object\'s properties', () => {
    expect(['1', '0', 'true', 'No', 'pos'].map(conventionalNegative)).toEqual(['0', '1', 'false', 'Yes', 'neg']);
    expect(conventionalNegative('__proto__')).toBeUndefined();
    expect(conventionalNegative('toString')).toBeUndefined();
  });

  it('warns when labels were read and none was the positive label (a misspelt positive_label)', () => {
    const classes = new BinaryClasses('yes');
    for (const label of ['0', '1', '0']) classes.accept(label);
    expect(classes.unseenPositive(3)).toBe(
      'positive_label "yes" is none of the 3 ground-truth labels read (the first other label read is "0"): check its spelling and case ("Yes" and "yes" are different labels); without a positive record recall is 0 and auc is not computed',
    );
    const seen = new BinaryClasses('1');
    seen.accept('0');
    seen.accept('1');
    expect(seen.unseenPositive(2)).toBeUndefined();
    expect(new BinaryClasses('1').unseenPositive(0)).toBeUndefined();
  });
});
