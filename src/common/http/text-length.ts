import { registerDecorator, type ValidationArguments } from 'class-validator';

/** Code points, the characters a person counts: variation selectors and surrogate pairs included. */
const codePoints = (value: string) => [...value].length;

/**
 * `@TextLength(min, max)`: the length of the stored text in code points. class-validator's
 * `@Length` does not count variation selectors (U+FE0E/U+FE0F) and counts an astral character as
 * one, so `'a\uFE0F'.repeat(5000)` would pass a 5000 limit while storing 10,000: the limit must
 * bound what is stored.
 */
export function TextLength(min: number, max: number, options: { each?: boolean } = {}): PropertyDecorator {
  return (target: object, propertyName: string | symbol) =>
    registerDecorator({
      name: 'textLength',
      target: target.constructor,
      propertyName: String(propertyName),
      options: { each: options.each },
      constraints: [min, max],
      validator: {
        validate: (value: unknown) => typeof value === 'string' && codePoints(value) >= min && codePoints(value) <= max,
        defaultMessage: (args: ValidationArguments) => `${args.property} must be ${min}..${max} characters long`,
      },
    });
}
